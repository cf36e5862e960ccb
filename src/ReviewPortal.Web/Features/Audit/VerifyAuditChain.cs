using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Audit;

/// <summary>
/// Recomputes the ledger's hash chain from entry 1 and reports "intact up to entry N" or the first
/// entry that does not match, and what differs. Streams in sequence order: memory stays flat.
/// </summary>
public sealed class VerifyAuditChain(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public async Task<Result<AuditVerification>> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsAndCompliance(viewer, "can verify the audit trail") is { } refused)
        {
            return refused;
        }
        var result = await VerifyAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Audit(new AuditActor(viewer.IdentityId, viewer.Name, time.GetUtcNow(), CorrelationId.New()), "audit.verified",
            new AuditTarget("AuditLedger", "chain"), after: new { result.Intact, result.VerifiedUpTo, result.FirstBrokenSequence });
        await db.SaveChangesAsync(cancellationToken);
        return result;
    }

    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var expectedSequence = 1L;
        var previousHash = AuditChain.Genesis;
        var count = 0L;
        await foreach (var entry in db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var problem = entry.Sequence != expectedSequence ? $"sequence {entry.Sequence} where {expectedSequence} was expected (an entry is missing)"
                : entry.PreviousHash != previousHash ? $"previous hash {Short(entry.PreviousHash)} does not match entry {expectedSequence - 1}'s hash {Short(previousHash)}"
                : AuditChain.ComputeHash(entry) is var computed && computed != entry.Hash
                    ? $"stored hash {Short(entry.Hash)} but its content hashes to {Short(computed)}: the entry was changed after it was written"
                    : null;
            if (problem is not null)
            {
                return new AuditVerification(false, expectedSequence - 1, entry.Sequence, problem, count);
            }
            previousHash = entry.Hash;
            expectedSequence++;
            count++;
        }
        return new AuditVerification(true, expectedSequence - 1, null, null, count, previousHash);
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] + "…" : hash;
}

public sealed record AuditVerification(bool Intact, long VerifiedUpTo, long? FirstBrokenSequence, string? Problem, long EntriesChecked,
    string? HeadHash = null)
{
    public string Summary => Intact
        ? $"Intact up to entry {VerifiedUpTo}"
        : $"Broken at entry {FirstBrokenSequence}: {Problem}. Intact up to entry {VerifiedUpTo}.";
}
