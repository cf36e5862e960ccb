using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;

// This assembly runs the integration suite on PostgreSQL. Every [Fact] and [Theory] in it, the shared ones included,
// is a PostgresFact / PostgresTheory: skipped, naming the variable, when REVIEWPORTAL_TEST_POSTGRES is not set.
[assembly: TestSuiteProvider(DatabaseProvider.Postgres)]
