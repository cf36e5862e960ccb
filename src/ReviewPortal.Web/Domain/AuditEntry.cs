namespace ReviewPortal.Web.Domain;

/// <summary>
/// One append-only, hash-chained ledger entry. Written in the same transaction as the change
/// it records; never updated or deleted (database triggers refuse both).
/// </summary>
public class AuditEntry
{
    /// <summary>Gap-free position in the chain, starting at 1.</summary>
    public long Sequence { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public int? ActorId { get; set; }
    /// <summary>Who acted: a person's name or a system job ("job:ingest-activity").</summary>
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string TargetType { get; set; }
    public required string TargetId { get; set; }
    public int? IdentityId { get; set; }
    public int? CampaignId { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    public required string CorrelationId { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
}
