using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ReviewPortal.Web.Domain;

/// <summary>The hash rule of the audit ledger: SHA-256 over the previous hash and a canonical form.</summary>
public static class AuditChain
{
    /// <summary>The previous hash of entry 1.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>
    /// A fixed-order JSON array of every field but the hash. Times are UTC ticks so the value does
    /// not depend on how a provider stores or formats dates.
    /// </summary>
    public static string Canonicalize(AuditEntry e) => JsonSerializer.Serialize(new object?[]
    {
        e.Sequence, e.OccurredAt.UtcTicks, e.ActorId, e.Actor, e.Action, e.TargetType, e.TargetId,
        e.IdentityId, e.CampaignId, e.Before, e.After, e.CorrelationId, e.PreviousHash,
    });

    public static string ComputeHash(AuditEntry e) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonicalize(e))));

    public static void Seal(AuditEntry entry, long previousSequence, string previousHash)
    {
        entry.Sequence = previousSequence + 1;
        entry.PreviousHash = previousHash;
        entry.Hash = ComputeHash(entry);
    }
}
