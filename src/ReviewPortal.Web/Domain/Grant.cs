namespace ReviewPortal.Web.Domain;

/// <summary>
/// An identity holding an entitlement for a period. Grants are closed (EndedAt), never deleted,
/// so "who had what, when" survives upstream removals.
/// </summary>
public class Grant
{
    public long Id { get; set; }
    public int IdentityId { get; set; }
    public Identity Identity { get; set; } = null!;
    public int EntitlementId { get; set; }
    public Entitlement Entitlement { get; set; } = null!;

    public DateTimeOffset GrantedAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public GrantSource Source { get; set; }
    public long? AccessRequestId { get; set; }
    public AccessRequest? AccessRequest { get; set; }
    /// <summary>When a directory sync first saw the grant upstream (null: requested and not yet seen there).</summary>
    public DateTimeOffset? LastSeenInSyncAt { get; set; }

    public List<GrantEvent> History { get; set; } = [];

    public bool IsOpen => EndedAt is null;

    public void Close(DateTimeOffset at)
    {
        if (EndedAt is null)
        {
            EndedAt = at;
        }
    }
}

public enum GrantSource
{
    DirectorySync = 0,
    AccessRequest = 1,
    ActivityFeed = 2,
}

/// <summary>A change to a grant seen upstream or made here (part of its approval trail).</summary>
public class GrantEvent
{
    /// <summary>Kinds written by request fulfilment and read back by the identity timeline and the review trail.</summary>
    public const string Requested = "requested", Provisioned = "provisioned";

    public long Id { get; set; }
    public long GrantId { get; set; }
    public Grant Grant { get; set; } = null!;
    public DateTimeOffset OccurredAt { get; set; }
    public required string Kind { get; set; }
    public string? Detail { get; set; }
    public string? ActorDescription { get; set; }
    public int? ActorIdentityId { get; set; }
    /// <summary>The Activity Feed id this was learnt from, if any (dedupe on re-ingest).</summary>
    public string? ActivityId { get; set; }
}
