using Microsoft.EntityFrameworkCore;

namespace ReviewPortal.Web.Data;

/// <summary>
/// The one way to run a multi-statement write (docs/decisions/0007-unit-of-work.md). The unit (its reads, its checks,
/// its saves, its audit entries and the commit) runs on a fresh context inside one transaction, and the whole unit is
/// what the provider's execution strategy retries: on SQL Server and PostgreSQL a transient failure (a dropped
/// connection, a deadlock victim, a failover) runs it again from its first read on a new context, never from the
/// middle. A unit must therefore decide from what it reads inside itself, not from state captured before it, and
/// must not call anything outside the database (an HTTP API, SMTP): those calls happen before or after a unit.
/// When the unit's wait for the audit ledger's lock runs out (another save holds it), the unit is run again the same way,
/// up to Database:LedgerLockAttempts times, then <see cref="LedgerBusyException"/> tells the caller the ledger is busy.
/// </summary>
public static class UnitOfWork
{
    public static async Task<T> WriteAsync<T>(this IDbContextFactory<ReviewPortalDbContext> contexts,
        Func<ReviewPortalDbContext, CancellationToken, Task<T>> unit, CancellationToken cancellationToken = default)
    {
        await using var probe = await contexts.CreateDbContextAsync(cancellationToken);
        // A wait for the ledger lock that runs out is not the strategy's to retry (it is not a connection failure, and
        // its retries are many and long): the ledger's own loop runs the unit again, a bounded number of times.
        return await LedgerLock.RetryWhileBusyAsync(probe, attemptToken => probe.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            db.AppendsLedgerAtUnitEnd = true;
            await using var transaction = await db.BeginLedgerTransactionAsync(ct);
            var result = await unit(db, ct);
            // Whatever the unit staged and did not save yet is part of it, and so are all its ledger entries: appended
            // here, last, so the server providers hold the ledger lock only for the append and the commit.
            await db.SaveUnitAsync(ct);
            await transaction.CommitAsync(ct);
            return result;
        }, attemptToken), cancellationToken);
    }

    public static Task WriteAsync(this IDbContextFactory<ReviewPortalDbContext> contexts,
        Func<ReviewPortalDbContext, CancellationToken, Task> unit, CancellationToken cancellationToken = default) =>
        contexts.WriteAsync<bool>(async (db, ct) =>
        {
            await unit(db, ct);
            return true;
        }, cancellationToken);
}
