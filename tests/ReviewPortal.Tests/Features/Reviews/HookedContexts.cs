using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Tests.Features.Reviews;

/// <summary>
/// Contexts on a portal's database, configured as the portal configures its own, that run an action (another command, on
/// its own connection) at one chosen point of the handler given them, once: how a race test puts the other command's
/// commit exactly between a handler's read and its save, instead of hoping two threads collide.
/// </summary>
internal sealed class HookedContexts : IDbContextFactory<ReviewPortalDbContext>
{
    private readonly TestDatabase _database;
    private readonly IInterceptor _hook;

    private HookedContexts(TestDatabase database, IInterceptor hook) => (_database, _hook) = (database, hook);

    public bool Fired => _hook is Hook { Fired: true };

    /// <summary>Runs <paramref name="action"/> just before the handler opens its (first) transaction.</summary>
    public static HookedContexts BeforeFirstTransaction(TestDatabase database, Func<Task> action) => new(database, new TransactionHook(action));

    /// <summary>Runs <paramref name="action"/> just after the handler's first query whose SQL contains <paramref name="sqlFragment"/>.</summary>
    public static HookedContexts AfterFirstQuery(TestDatabase database, string sqlFragment, Func<Task> action) =>
        new(database, new QueryHook(sqlFragment, action));

    public ReviewPortalDbContext CreateDbContext() => _database.Provider switch
    {
        DatabaseProvider.Postgres => new PostgresReviewPortalDbContext(Options<PostgresReviewPortalDbContext>(o => DatabaseSetup.ConfigurePostgres(o, _database.ConnectionString))),
        DatabaseProvider.SqlServer => new SqlServerReviewPortalDbContext(Options<SqlServerReviewPortalDbContext>(o => DatabaseSetup.ConfigureSqlServer(o, _database.ConnectionString))),
        _ => new SqliteReviewPortalDbContext(Options<SqliteReviewPortalDbContext>(o => DatabaseSetup.ConfigureSqlite(o, _database.ConnectionString))),
    };

    private DbContextOptions<T> Options<T>(Action<DbContextOptionsBuilder> configure) where T : DbContext
    {
        var options = new DbContextOptionsBuilder<T>();
        configure(options);
        return options.AddInterceptors(_hook).Options;
    }

    private interface Hook
    {
        bool Fired { get; }
    }

    private sealed class TransactionHook(Func<Task> action) : DbTransactionInterceptor, Hook
    {
        private int _fired;

        public bool Fired => _fired == 1;

        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection,
            TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _fired, 1) == 0)
            {
                await action();
            }
            return result;
        }
    }

    private sealed class QueryHook(string sqlFragment, Func<Task> action) : DbCommandInterceptor, Hook
    {
        private int _fired;

        public bool Fired => _fired == 1;

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
            CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains(sqlFragment, StringComparison.Ordinal) && Interlocked.Exchange(ref _fired, 1) == 0)
            {
                // The handler's query has run (its statement's snapshot is taken) and its rows wait in the reader; the
                // other command runs on its own connection before the handler goes on from what it read.
                await action();
            }
            return result;
        }
    }
}
