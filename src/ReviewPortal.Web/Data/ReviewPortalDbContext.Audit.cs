using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Database;

namespace ReviewPortal.Web.Data;

public abstract partial class ReviewPortalDbContext
{
    private readonly List<PendingAudit> _pendingAudit = [];

    /// <summary>
    /// Stages an audit entry that is written by the next SaveChanges, in the same transaction as
    /// the change it describes. Pass the entity as <paramref name="target"/> when its key is only
    /// known after insert.
    /// </summary>
    public void Audit(AuditActor actor, string action, object target, object? before = null, object? after = null,
        int? identityId = null, int? campaignId = null)
    {
        _pendingAudit.Add(new PendingAudit(actor, action, target, Serialize(before), Serialize(after), identityId, campaignId));
    }

    public bool HasPendingAudit => _pendingAudit.Count > 0;

    /// <summary>
    /// An evidence snapshot is evidence because it never changes after it is hashed: a save that would modify or delete
    /// one fails before anything is written. Always true when it returns (so it reads as a condition).
    /// </summary>
    private bool RefuseChangedEvidenceSnapshots()
    {
        // Changes are detected on the tracked snapshots only: a second detection pass over a large sync's tracked rows is
        // not paid for this check.
        var detect = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var entry in ChangeTracker.Entries<EvidenceSnapshot>())
            {
                entry.DetectChanges();
                if (entry.State is EntityState.Modified or EntityState.Deleted)
                {
                    throw new InvalidOperationException("An evidence snapshot cannot change after it is hashed: take a new one instead.");
                }
            }
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = detect;
        }
        return true;
    }

    /// <summary>
    /// When this context last took the ledger lock (a <see cref="System.Diagnostics.Stopwatch"/> timestamp): on the server
    /// providers when the lock statement returned with the head, on SQLite when BEGIN IMMEDIATE took the write lock. The
    /// benchmark measures how long the lock stays held, from here to the commit.
    /// </summary>
    internal long LedgerLockedAt { get; private set; }

    /// <summary>
    /// Set by the unit of work on the context it runs the unit on: the unit's audited saves leave their entries staged,
    /// and the unit's last save, just before the commit (<see cref="SaveUnitAsync"/>), appends them all. The server
    /// providers take the ledger lock when the entries are appended, so a unit that saves early and goes on working (a
    /// directory sync saves its grants, then reads the activity history) no longer holds the ledger while it works.
    /// </summary>
    internal bool AppendsLedgerAtUnitEnd { get; set; }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseChangedEvidenceSnapshots();
        if (_pendingAudit.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        if (Database.CurrentTransaction is not null)
        {
            // Inside a unit of work (or another caller-owned transaction): the owner commits, and retries the whole unit.
            var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (AppendsLedgerAtUnitEnd)
            {
                // The entries stay staged; the unit's last save appends them (SaveUnitAsync).
                return saved;
            }
            saved += await AppendPendingAuditAsync(cancellationToken);
            _pendingAudit.Clear();
            return saved;
        }

        // A lone audited save is its own small unit, retried the way EF retries any save: the change and its entries in
        // one transaction, changes accepted only once that transaction has committed, so a retry saves them again.
        // The entries are sealed inside each attempt, against the head read in that attempt. A wait for the ledger lock
        // that runs out is retried too (LedgerLock), a bounded number of times.
        var written = await LedgerLock.RetryWhileBusyAsync(this, attemptToken => Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await BeginLedgerTransactionAsync(ct);
            var count = await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, ct);
            count += await AppendPendingAuditAsync(ct);
            await transaction.CommitAsync(ct);
            return count;
        }, attemptToken), cancellationToken);
        if (acceptAllChangesOnSuccess)
        {
            ChangeTracker.AcceptAllChanges();
        }
        _pendingAudit.Clear();
        return written;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        RefuseChangedEvidenceSnapshots() && _pendingAudit.Count == 0
            ? base.SaveChanges(acceptAllChangesOnSuccess)
            : throw new InvalidOperationException("Audited changes must be saved with SaveChangesAsync.");

    /// <summary>
    /// Opens the transaction of a unit of work or of a lone audited save. On SQLite the database's write lock is the
    /// ledger lock, taken here by BEGIN IMMEDIATE: the connection waits for it (its busy timeout, whole seconds) as long
    /// as the server providers wait for theirs, and a wait that runs out is retried like theirs (LedgerLock).
    /// </summary>
    internal async Task<IDbContextTransaction> BeginLedgerTransactionAsync(CancellationToken cancellationToken)
    {
        if (Database.GetDbConnection() is SqliteConnection sqlite)
        {
            sqlite.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(LedgerLock.For(this).Timeout.TotalSeconds));
        }
        var transaction = await Database.BeginTransactionAsync(cancellationToken);
        if (!Provider.IsServer())
        {
            LedgerLockedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        }
        return transaction;
    }

    /// <summary>How many staged ledger entries a chunked unit (<see cref="SaveChunkAsync"/>) holds before it appends them.</summary>
    internal const int LedgerChunk = 2_000;

    /// <summary>
    /// For a unit of work whose size follows the organization's (a directory sync's first run opens a grant, a grant
    /// event and a ledger entry per membership): saves what is staged, appends the staged ledger entries once there are
    /// <see cref="LedgerChunk"/> of them, and stops tracking everything saved, so the unit's memory stays the size of a
    /// chunk whatever the size of the change. Still one transaction: a failure later in the unit rolls all of it back.
    /// The cost is the ledger lock: a unit that appends early holds it (on the server providers) from that append to its
    /// commit, so only a unit with thousands of entries pays it. Entities the unit still needs afterwards must be loaded
    /// again or attached.
    /// </summary>
    public async Task SaveChunkAsync(CancellationToken cancellationToken)
    {
        if (Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("A chunked save belongs inside a unit of work (UnitOfWork.WriteAsync).");
        }
        await base.SaveChangesAsync(acceptAllChangesOnSuccess: true, cancellationToken);
        if (_pendingAudit.Count >= LedgerChunk)
        {
            await AppendPendingAuditAsync(cancellationToken);
            _pendingAudit.Clear();
        }
        // Staged entries keep their targets: an entry's key is read from the object, tracked or not.
        ChangeTracker.Clear();
    }

    /// <summary>
    /// The last save of a unit of work, just before its commit: what the unit staged and did not save, then every ledger
    /// entry the unit staged, in one append.
    /// </summary>
    internal async Task SaveUnitAsync(CancellationToken cancellationToken)
    {
        await base.SaveChangesAsync(acceptAllChangesOnSuccess: true, cancellationToken);
        if (_pendingAudit.Count > 0)
        {
            await AppendPendingAuditAsync(cancellationToken);
            _pendingAudit.Clear();
        }
    }

    /// <summary>
    /// Seals the staged entries against the head read under the ledger lock and writes them all at once, with plain
    /// commands on the context's connection, in its transaction (AuditStatements): the entries are never tracked, and
    /// everything that does not depend on the head (target keys, stored times) is done before the lock is taken, so the
    /// lock is held for the head read, the hashing, one bulk write and the commit.
    /// </summary>
    private async Task<int> AppendPendingAuditAsync(CancellationToken cancellationToken)
    {
        var entries = new AuditEntry[_pendingAudit.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var pending = _pendingAudit[i];
            entries[i] = new AuditEntry
            {
                OccurredAt = AsStored(pending.Actor.At),
                ActorId = pending.Actor.IdentityId,
                Actor = pending.Actor.Name,
                Action = pending.Action,
                TargetType = TargetTypeOf(pending.Target),
                TargetId = TargetIdOf(pending.Target),
                IdentityId = pending.IdentityId ?? (pending.Target as Identity)?.Id,
                CampaignId = pending.CampaignId ?? (pending.Target as Campaign)?.Id,
                Before = pending.Before,
                After = pending.After,
                CorrelationId = pending.Actor.CorrelationId,
                PreviousHash = "",
                Hash = "",
            };
        }
        var connection = Database.GetDbConnection();
        var transaction = Database.CurrentTransaction!.GetDbTransaction();
        var statements = AuditStatements.For(this);
        var timeout = Database.GetCommandTimeout();
        var (sequence, hash) = await LockLedgerHeadAsync(connection, transaction, statements.LockAndReadHead, timeout, cancellationToken);
        if (Provider.IsServer())
        {
            LedgerLockedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        }
        foreach (var entry in entries)
        {
            AuditChain.Seal(entry, sequence, hash);
            (sequence, hash) = (entry.Sequence, entry.Hash);
        }
        await statements.WriteAsync(connection, transaction, entries, timeout, cancellationToken);
        return entries.Length;
    }

    /// <summary>
    /// Reads the chain head while holding the ledger's write lock until commit, so concurrent writers (jobs, several web
    /// nodes) queue up instead of forking the chain. SQL Server takes the application lock, PostgreSQL a
    /// transaction-scoped advisory lock, in the same round trip as the read, each waiting at most the ledger lock timeout;
    /// a wait that runs out becomes <see cref="LedgerBusyException"/>, which the unit's retry loop recognises. SQLite: the
    /// write transaction already holds the database's single write lock (BEGIN IMMEDIATE), so nobody else can append
    /// between this read and commit.
    /// </summary>
    private async Task<(long Sequence, string Hash)> LockLedgerHeadAsync(DbConnection connection, DbTransaction transaction,
        string sql, int? timeout, CancellationToken cancellationToken)
    {
        await using var head = connection.CreateCommand();
        head.Transaction = transaction;
        head.CommandText = sql;
        if (timeout is { } seconds)
        {
            head.CommandTimeout = seconds;
        }
        var lockTimeout = LedgerLock.For(this).Timeout;
        if (Provider.IsServer())
        {
            AuditStatements.BindLockTimeout(head, Provider, lockTimeout);
            // The server's own lock timeout must run out first (a clear error, the connection intact), not the client's.
            head.CommandTimeout += (int)Math.Ceiling(lockTimeout.TotalSeconds);
        }
        try
        {
            await using var reader = await head.ExecuteReaderAsync(cancellationToken);
            // The lock statements answer first: the head is the result set with two columns.
            while (reader.FieldCount != 2 && await reader.NextResultAsync(cancellationToken))
            {
            }
            return await reader.ReadAsync(cancellationToken)
                ? (reader.GetInt64(0), reader.GetString(1))
                : (0, AuditChain.Genesis);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && LedgerLock.IsLockTimeout(ex))
        {
            throw LedgerLock.Busy(lockTimeout, ex);
        }
    }

    /// <summary>
    /// The instant as the column gives it back: PostgreSQL's timestamptz keeps microseconds, a clock's instant has 100 ns
    /// ticks, and the hash covers the ticks. Sealed with the finer value, an entry read back no longer matches its hash.
    /// </summary>
    private DateTimeOffset AsStored(DateTimeOffset at) =>
        Provider == DatabaseProvider.Postgres ? at.AddTicks(-(at.UtcTicks % TimeSpan.TicksPerMicrosecond)) : at;

    private string TargetTypeOf(object target) => target switch
    {
        AuditTarget t => t.Type,
        _ => target.GetType().Name,
    };

    private string TargetIdOf(object target)
    {
        if (target is AuditTarget t)
        {
            return t.Id;
        }
        // The entry, not the object, holds a generated key until the changes are accepted (a lone audited save accepts
        // them after its commit). The save has just detected changes, so Entry() need not detect them again: with
        // detection on it did so for the entity and its navigations on every call, most of a 1,000-item bulk decision's
        // audit cost.
        var detectChanges = ChangeTracker.AutoDetectChangesEnabled;
        ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var entry = Entry(target);
            var key = entry.Metadata.FindPrimaryKey()
                ?? throw new InvalidOperationException($"{target.GetType().Name} has no key to audit.");
            return string.Join("/", key.Properties.Select(p => entry.Property(p.Name).CurrentValue));
        }
        finally
        {
            ChangeTracker.AutoDetectChangesEnabled = detectChanges;
        }
    }

    private static string? Serialize(object? value) => value switch
    {
        null => null,
        string s => s,
        _ => JsonSerializer.Serialize(value),
    };

    private sealed record PendingAudit(AuditActor Actor, string Action, object Target, string? Before, string? After,
        int? IdentityId, int? CampaignId);
}

/// <summary>Who acted, when, and under which correlation id (a request or a job run).</summary>
public sealed record AuditActor(int? IdentityId, string Name, DateTimeOffset At, string CorrelationId)
{
    public static AuditActor System(string job, DateTimeOffset at, string correlationId) =>
        new(null, $"job:{job}", at, correlationId);
}

/// <summary>An audit target that is not an entity of this context (a setting, a sign-in).</summary>
public sealed record AuditTarget(string Type, string Id);
