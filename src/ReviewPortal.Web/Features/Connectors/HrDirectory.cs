using ReviewPortal.Claude.Simulation;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Organizational context the Claude APIs do not carry: department, title, manager, employment,
/// and the accountable sponsor of each service account. Production reads it from the IdP
/// (Entra ID, not built yet: <see cref="NoHrDirectory"/>); demo mode reads the simulated company.
/// </summary>
public interface IHrDirectory
{
    Task<HrSnapshot> ReadAsync(CancellationToken cancellationToken);
}

public sealed record HrSnapshot(IReadOnlyList<HrPerson> People, IReadOnlyDictionary<string, string> SponsorByNonHumanId)
{
    public static readonly HrSnapshot Empty = new([], new Dictionary<string, string>());
}

public sealed record HrPerson(string UserId, string Email, string FullName, string Department, string Title,
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
        organization.ServiceAccounts.ToDictionary(s => s.Id, s => s.OwnerUserId)));
}
