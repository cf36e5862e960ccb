namespace ReviewPortal.Web.Domain;

/// <summary>
/// A person or a non-human identity (API key, service account, agent) that can hold access.
/// Keyed for re-syncs by <see cref="ExternalId"/> (user_…, apikey_…, svac_…).
/// </summary>
public class Identity
{
    public int Id { get; set; }
    public required string ExternalId { get; set; }
    public IdentityKind Kind { get; set; }
    public required string DisplayName { get; set; }
    public string? Email { get; set; }

    // Organizational context (from HR / the IdP); people only.
    public string? Department { get; set; }
    public string? Title { get; set; }
    public int? ManagerId { get; set; }
    public Identity? Manager { get; set; }
    public EmploymentStatus EmploymentStatus { get; set; } = EmploymentStatus.Active;
    public DateTimeOffset? DepartedAt { get; set; }
    /// <summary>
    /// The person's id in the people directory (<see cref="DirectoryPerson.SourceId"/>: the Entra object id, which is
    /// also the <c>oid</c> of their sign-in), set when the directory sync matched them by email.
    /// </summary>
    public string? DirectoryId { get; set; }

    /// <summary>The accountable human for a non-human identity (API key created_by or an assigned sponsor).</summary>
    public int? OwnerId { get; set; }
    public Identity? Owner { get; set; }
    /// <summary>
    /// Who upstream says answers for this NHI (the key's <c>created_by</c>, its user principal, or the HR sponsor), refreshed
    /// by every directory sync. It is the owner until a person assigns one in the portal, and stays the suggestion after.
    /// </summary>
    public int? UpstreamOwnerId { get; set; }
    public Identity? UpstreamOwner { get; set; }
    /// <summary>
    /// Set when a person chose <see cref="Owner"/> in the portal (an admin's transfer, a lifecycle micro-review's keep):
    /// from then on the directory sync leaves the owner as it is.
    /// </summary>
    public DateTimeOffset? OwnerAssignedAt { get; set; }
    public int? OwnerAssignedById { get; set; }
    /// <summary>
    /// Moves on every change of the owner (a concurrency token): a transfer decided on an older version is refused instead of
    /// overwriting the change the person did not see.
    /// </summary>
    public int OwnerVersion { get; set; }

    /// <summary>Upstream lifecycle state: people "active"/"removed"; keys "active", "inactive", "archived", "expired".</summary>
    public string Status { get; set; } = "active";
    /// <summary>Masked key hint as the API shows it (never the secret).</summary>
    public string? KeyHint { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastActiveAt { get; set; }
    /// <summary>When the directory sync first saw it (not re-stamped each sync: the sync's run record says when it last ran).</summary>
    public DateTimeOffset? LastSyncedAt { get; set; }

    public List<Grant> Grants { get; set; } = [];

    public bool IsHuman => Kind == IdentityKind.Person;

    /// <summary>
    /// The identity's values as they are now (navigations and the grant list shared, not copied): the directory sync keeps
    /// one per identity as its record of what is stored, a few hundred bytes where EF's tracking costs kilobytes.
    /// </summary>
    public Identity ShallowCopy() => (Identity)MemberwiseClone();
}

public enum IdentityKind
{
    Person = 0,
    ApiKey = 1,
    ServiceAccount = 2,
    Agent = 3,
    AdminApiKey = 4,
}

public enum EmploymentStatus
{
    Active = 0,
    Departed = 1,
}
