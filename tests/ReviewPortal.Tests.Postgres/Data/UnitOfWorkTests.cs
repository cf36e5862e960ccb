using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using ReviewPortal.Tests.Infrastructure;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Tests.Data;

/// <summary>
/// The server providers run with connection resiliency on (a retrying execution strategy). EF refuses a transaction
/// the code opens itself under such a strategy, which is how every multi-statement write used to be written; the unit
/// of work runs the whole unit inside the strategy instead, and a transient failure runs it again from the start.
/// </summary>
public sealed class UnitOfWorkTests : IDisposable
{
    private readonly PostgresTestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private DbContextOptions<PostgresReviewPortalDbContext> Options(params IInterceptor[] interceptors)
    {
        var options = new DbContextOptionsBuilder<PostgresReviewPortalDbContext>();
        DatabaseSetup.ConfigurePostgres(options, _database.ConnectionString);
        return options.AddInterceptors(interceptors).Options;
    }

    private static AuditActor Actor => new(null, "unit-of-work-test", PortalAppFactory.Now, "uow");

    [Fact]
    public async Task UserInitiatedTransaction_UnderTheRetryingStrategy_RefusedByEf()
    {
        // The defect in its smallest form: what LaunchCampaign, CloseCampaign, BulkDecide, the sync and the ingestion did.
        await using var db = new PostgresReviewPortalDbContext(Options());
        await using var transaction = await db.Database.BeginTransactionAsync();
        db.Audit(Actor, "test.plain-transaction", new AuditTarget("Setting", "x"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());

        Assert.Contains("does not support user-initiated transactions", error.Message);
    }

    [Fact]
    public async Task WriteAsync_UnderTheRetryingStrategy_CommitsTheUnitWithItsAuditEntry()
    {
        var contexts = new Contexts(Options());

        var id = await contexts.WriteAsync(async (db, ct) =>
        {
            var identity = new Identity { ExternalId = "user_uow_1", DisplayName = "Unit Of Work", CreatedAt = PortalAppFactory.Now };
            db.Identities.Add(identity);
            await db.SaveChangesAsync(ct);
            db.Audit(Actor, "identity.created", identity);
            return identity.Id;
        });

        await using var check = new PostgresReviewPortalDbContext(Options());
        Assert.Equal("Unit Of Work", (await check.Identities.SingleAsync(i => i.Id == id)).DisplayName);
        var entry = await check.AuditEntries.SingleAsync(e => e.Action == "identity.created");
        Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture), entry.TargetId);
    }

    [Fact]
    public async Task WriteAsync_ConnectionLostAtCommit_RunsTheWholeUnitAgainAndStoresItOnce()
    {
        var failOnce = new FailFirstCommit();
        var contexts = new Contexts(Options(failOnce));
        var attempts = 0;

        await contexts.WriteAsync(async (db, ct) =>
        {
            attempts++;
            // The unit decides from what it reads inside itself: the retry finds nothing stored by the failed attempt.
            var existing = await db.Identities.CountAsync(i => i.ExternalId == "user_uow_retry", ct);
            db.Identities.Add(new Identity { ExternalId = "user_uow_retry", DisplayName = $"Attempt {attempts}, saw {existing}", CreatedAt = PortalAppFactory.Now });
            db.Audit(Actor, "test.retried-unit", new AuditTarget("Setting", "retry"));
        });

        Assert.Equal(2, attempts);
        Assert.Equal(1, failOnce.Failures);
        await using var check = new PostgresReviewPortalDbContext(Options());
        var stored = await check.Identities.SingleAsync(i => i.ExternalId == "user_uow_retry");
        Assert.Equal("Attempt 2, saw 0", stored.DisplayName);
        Assert.Equal(1, await check.AuditEntries.CountAsync(e => e.Action == "test.retried-unit"));
    }

    [Fact]
    public async Task AuditedSave_ConnectionLostAtCommit_SavedOnceWithOneEntry()
    {
        // A lone audited SaveChanges opens its own transaction: it too must be one retriable unit.
        var failOnce = new FailFirstCommit();
        await using (var db = new PostgresReviewPortalDbContext(Options(failOnce)))
        {
            db.Identities.Add(new Identity { ExternalId = "user_uow_lone", DisplayName = "Lone save", CreatedAt = PortalAppFactory.Now });
            db.Audit(Actor, "test.lone-save", new AuditTarget("Setting", "lone"));
            await db.SaveChangesAsync();
        }

        Assert.Equal(1, failOnce.Failures);
        await using var check = new PostgresReviewPortalDbContext(Options());
        Assert.Equal(1, await check.Identities.CountAsync(i => i.ExternalId == "user_uow_lone"));
        var entry = await check.AuditEntries.SingleAsync(e => e.Action == "test.lone-save");
        Assert.Equal(1, entry.Sequence);
    }

    /// <summary>Loses the connection (a transient Npgsql failure) as the first commit is sent.</summary>
    private sealed class FailFirstCommit : DbTransactionInterceptor
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
    }

    private sealed class Contexts(DbContextOptions<PostgresReviewPortalDbContext> options) : IDbContextFactory<ReviewPortalDbContext>
    {
        public ReviewPortalDbContext CreateDbContext() => new PostgresReviewPortalDbContext(options);
    }
}
