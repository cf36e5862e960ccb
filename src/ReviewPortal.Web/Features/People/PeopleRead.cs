namespace ReviewPortal.Web.Features.People;

/// <summary>One person as a people source describes them. Emails are compared lower-cased.</summary>
public sealed record SourcePerson(string SourceId, string Email, string FullName, string? Department, string? Title,
    string? ManagerSourceId, bool Employed, DateTimeOffset? LeftAt);

/// <summary>
/// What one read of a people source answered. <see cref="IsComplete"/>: the whole directory (a CSV file, Entra's first
/// delta round), so anyone stored and absent from it has gone; otherwise only what changed since <c>deltaLink</c>, with
/// the ids Entra reports <see cref="Removed"/>. <see cref="NextDeltaLink"/> is kept only once the read has been applied.
/// </summary>
public sealed record PeopleRead(IReadOnlyList<SourcePerson> People, IReadOnlyList<string> Removed, bool IsComplete, string? NextDeltaLink);
