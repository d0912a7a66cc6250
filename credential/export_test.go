package credential

var LoadContextForTest = loadContext
