// Package transcript is the registry's domain: a batch of student records
// (programme, terms, courses, award), the grading scheme that turns letter
// grades into grade points, the grade averages a transcript shows (TGA per
// term, CGA over all terms, credits earned), and the validation of batch input
// read from JSON or CSV.
//
// Validation reports every problem of a batch at once, each naming the file,
// the record, the student id, the field and what was expected, so that a
// registry can fix its export in one pass. Nothing in this package knows about
// credentials, chains or keys.
package transcript
