using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Tests.Features;

/// <summary>
/// Loses the connection (a transient Npgsql failure, which the retrying strategy retries) as the first commit is sent,
/// so a test sees a unit of work run twice: once rolled back, once committed.
/// </summary>
internal sealed class LoseFirstCommit : DbTransactionInterceptor
{
    public int Failures { get; private set; }

    public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (Failures == 0)
        {
            Failures++;
            throw new NpgsqlException("Injected: the connection was lost while committing.", new IOException("connection reset"));
        }
        return ValueTask.FromResult(result);
    }

    /// <summary>The portal's own PostgreSQL configuration on <paramref name="connectionString"/>, with this interceptor.</summary>
    public IDbContextFactory<ReviewPortalDbContext> Contexts(string connectionString)
    {
        var options = new DbContextOptionsBuilder<PostgresReviewPortalDbContext>();
        DatabaseSetup.ConfigurePostgres(options, connectionString);
        return new Factory(options.AddInterceptors(this).Options);
    }

    private sealed class Factory(DbContextOptions<PostgresReviewPortalDbContext> options) : IDbContextFactory<ReviewPortalDbContext>
    {
        public ReviewPortalDbContext CreateDbContext() => new PostgresReviewPortalDbContext(options);
    }
}
