namespace ReviewPortal.Claude.Simulation;

/// <summary>
/// The HR view of one simulated employee, which the Claude API itself does not have. In demo mode the portal reads
/// department, title and manager from here (production reads them from Entra).
/// </summary>
public sealed record SimulatedPerson(
    string UserId,
    string Email,
    string FullName,
    string Department,
    string Title,
    string? ManagerUserId,
    bool Employed,
    DateTimeOffset? DepartedAt)
{
    public DateTimeOffset JoinedAt { get; init; }

    /// <summary>Role in the Claude Enterprise parent organization.</summary>
    public string EnterpriseRole { get; init; } = "user";

    /// <summary>How the simulation makes this person behave: <c>busy</c>, <c>regular</c>, <c>dormant</c>, <c>never</c>, <c>idle-admin</c>, <c>acting-admin</c>.</summary>
    public string Profile { get; init; } = "regular";
}

/// <summary>A simulated service account (<c>svac_…</c>) with the person accountable for it.</summary>
public sealed record SimulatedServiceAccount(string Id, string Name, string OwnerUserId);

/// <summary>One stored feed event: sort keys plus the exact JSON the API returns.</summary>
internal sealed record SimulatedEvent(string Id, DateTimeOffset CreatedAt, string Type, string? ActorUserId, string? OrganizationId, string? OrganizationUuid, string Json);
