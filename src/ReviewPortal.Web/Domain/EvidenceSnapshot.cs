namespace ReviewPortal.Web.Domain;

/// <summary>
/// Evidence for one review item taken again after launch ("Refresh evidence"): the JSON exactly as hashed, its SHA-256,
/// when and by whom. The launch snapshot stays on the item (<see cref="ReviewItem.EvidenceJson"/>, so the launch writes
/// no second row per item); refreshes are added here beside it. A snapshot is never changed once hashed: every property
/// is init-only, no handler updates or deletes one, and the context refuses to save a modified or deleted row.
/// </summary>
public class EvidenceSnapshot
{
    public long Id { get; init; }
    public long ReviewItemId { get; init; }
    public ReviewItem ReviewItem { get; init; } = null!;
    public DateTimeOffset TakenAt { get; init; }
    /// <summary>Who asked for it (the reviewer, their delegate, or an admin who reads every item).</summary>
    public int? TakenById { get; init; }
    public EvidenceSnapshotReason Reason { get; init; }
    public required string EvidenceJson { get; init; }
    /// <summary>SHA-256 (hex) of the UTF-8 bytes of <see cref="EvidenceJson"/>, as for the launch snapshot.</summary>
    public required string Hash { get; init; }
}

/// <summary>Why a snapshot was taken. The launch one lives on the item; the table holds refreshes.</summary>
public enum EvidenceSnapshotReason
{
    Launch = 0,
    Refresh = 1,
}
