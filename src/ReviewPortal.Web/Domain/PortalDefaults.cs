namespace ReviewPortal.Web.Domain;

/// <summary>
/// The admins' defaults, one row (<see cref="SingletonId"/>, created by the migration): who takes what nobody else can.
/// </summary>
public class PortalDefaults
{
    public const int SingletonId = 1;

    public int Id { get; set; }
    /// <summary>Prefills a new campaign's fallback reviewer, and is used when a campaign is launched without one.</summary>
    public int? FallbackReviewerId { get; set; }
    /// <summary>Takes an approval step nobody else may take, and escalations, when the approval policy names no fallback approver.</summary>
    public int? FallbackApproverId { get; set; }
    /// <summary>Moves on every save (a concurrency token): a save made on an older version is refused.</summary>
    public int Version { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
    public int? UpdatedById { get; set; }
}
