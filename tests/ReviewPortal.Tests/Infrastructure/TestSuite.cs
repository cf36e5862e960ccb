using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;

// This assembly runs the integration tests on SQLite files (the embedded default).
[assembly: TestSuiteProvider(DatabaseProvider.Sqlite)]
