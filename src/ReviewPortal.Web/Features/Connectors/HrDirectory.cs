using ReviewPortal.Claude.Simulation;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Organizational context the Claude APIs do not carry: department, title, manager, employment,
/// and the accountable sponsor of each service account. Production reads what the people sync (Entra ID) or the last CSV
/// import stored (<c>StoredHrDirectory</c>); demo mode reads the simulated company; with no source, nobody has any.
/// </summary>
public interface IHrDirectory
{
    Task<HrSnapshot> ReadAsync(CancellationToken cancellationToken);
}

/// <param name="KeyedByClaudeUserId">
/// The people's ids are their Claude user ids (the simulated company's HR knows them). A real directory's ids are its own
/// (Entra object ids, CSV addresses): the directory sync matches those people to Claude accounts by email.
/// </param>
public sealed record HrSnapshot(IReadOnlyList<HrPerson> People, IReadOnlyDictionary<string, string> SponsorByNonHumanId,
    bool KeyedByClaudeUserId = false)
{
    public static readonly HrSnapshot Empty = new([], new Dictionary<string, string>());
}

/// <param name="UserId">The person's id in the directory; <see cref="ManagerUserId"/> is their manager's.</param>
public sealed record HrPerson(string UserId, string Email, string FullName, string? Department, string? Title,
    string? ManagerUserId, bool Employed, DateTimeOffset? DepartedAt);

public sealed class NoHrDirectory : IHrDirectory
{
    public Task<HrSnapshot> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(HrSnapshot.Empty);
}

public sealed class SimulatedHrDirectory(SimulatedOrganization organization) : IHrDirectory
{
    public Task<HrSnapshot> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(new HrSnapshot(
        organization.People.Select(p => new HrPerson(p.UserId, p.Email, p.FullName, p.Department, p.Title, p.ManagerUserId,
            p.Employed, p.DepartedAt)).ToList(),
        organization.ServiceAccounts.ToDictionary(s => s.Id, s => s.OwnerUserId), KeyedByClaudeUserId: true));
}
