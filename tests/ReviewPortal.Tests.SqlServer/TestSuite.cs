using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;

// This assembly runs the integration suite on SQL Server. Every [Fact] and [Theory] in it, the shared ones included,
// is a SqlServerFact / SqlServerTheory: skipped, naming the variable, when REVIEWPORTAL_TEST_SQLSERVER is not set.
[assembly: TestSuiteProvider(DatabaseProvider.SqlServer)]
