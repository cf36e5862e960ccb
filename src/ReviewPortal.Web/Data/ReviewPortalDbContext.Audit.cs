using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Domain;

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

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (_pendingAudit.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        var ownTransaction = Database.CurrentTransaction is null
            ? await Database.BeginTransactionAsync(cancellationToken)
            : null;
        var appended = new List<AuditEntry>();
        try
        {
            // The change is saved first so new rows have their keys for the entries' targets. If
            // anything after this fails, the transaction rolls both back; like any failed EF save
            // inside a transaction, the context is then discarded (one context per operation).
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            appended = await AppendPendingAuditAsync(cancellationToken);
            written += await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken);
            }
            _pendingAudit.Clear();
            return written;
        }
        catch
        {
            foreach (var entry in appended)
            {
                Entry(entry).State = EntityState.Detached;
            }
            throw;
        }
        finally
        {
            if (ownTransaction is not null)
            {
                await ownTransaction.DisposeAsync();
            }
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        _pendingAudit.Count == 0
            ? base.SaveChanges(acceptAllChangesOnSuccess)
            : throw new InvalidOperationException("Audited changes must be saved with SaveChangesAsync.");

    private async Task<List<AuditEntry>> AppendPendingAuditAsync(CancellationToken cancellationToken)
    {
        var appended = new List<AuditEntry>();
        var (sequence, hash) = await LockLedgerHeadAsync(cancellationToken);
        foreach (var pending in _pendingAudit)
        {
            var entry = new AuditEntry
            {
                OccurredAt = pending.Actor.At,
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
                PreviousHash = hash,
                Hash = "",
            };
            AuditChain.Seal(entry, sequence, hash);
            (sequence, hash) = (entry.Sequence, entry.Hash);
            AuditEntries.Add(entry);
            appended.Add(entry);
        }
        return appended;
    }

    /// <summary>
    /// Reads the chain head while holding the ledger's write lock until commit, so concurrent
    /// writers (jobs, several web nodes) queue up instead of forking the chain.
    /// </summary>
    private async Task<(long Sequence, string Hash)> LockLedgerHeadAsync(CancellationToken cancellationToken)
    {
        if (Provider == DatabaseProvider.SqlServer)
        {
            await Database.ExecuteSqlRawAsync(
                "EXEC sp_getapplock @Resource = 'audit-ledger', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 30000;",
                cancellationToken);
        }
        // SQLite: the write transaction already holds the database's single write lock (the
        // first SaveChanges wrote), so nobody else can append between this read and commit.
        var head = await AuditEntries.AsNoTracking()
            .OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash })
            .FirstOrDefaultAsync(cancellationToken);
        return head is null ? (0, AuditChain.Genesis) : (head.Sequence, head.Hash);
    }

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
        var key = Entry(target).Metadata.FindPrimaryKey()
            ?? throw new InvalidOperationException($"{target.GetType().Name} has no key to audit.");
        return string.Join("/", key.Properties.Select(p => Entry(target).Property(p.Name).CurrentValue));
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
