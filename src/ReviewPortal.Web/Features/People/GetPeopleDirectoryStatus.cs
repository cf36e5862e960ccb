using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReviewPortal.Claude;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.People;

/// <summary>
/// The people directory for admins: where people come from, how many are stored, the last sync or import, and who does
/// not match: Claude accounts the directory does not know (a finding in itself: access nobody in HR answers for) and
/// directory people without a Claude account.
/// </summary>
public sealed class GetPeopleDirectoryStatus(IDbContextFactory<ReviewPortalDbContext> contexts, PeopleOptions options,
    IOptions<ClaudeOptions> claude)
{
    public const int Listed = 25;

    /// <param name="SharedEmails">Addresses more than one person has: a sign-in with one of them is linked to nobody.</param>
    public sealed record Status(PeopleSource Source, int Employed, int Departed, RunRow? LastRun, int UnknownToDirectoryCount,
        IReadOnlyList<PersonRow> UnknownToDirectory, int WithoutClaudeAccount, double MaxDepartedShare, IReadOnlyList<string> SharedEmails);

    public sealed record RunRow(string Job, IngestionRunStatus Status, DateTimeOffset At, string? Error, int Changed);

    public sealed record PersonRow(int Id, string Name, string? Email);

    public async Task<Result<Status>> HandleAsync(Viewer viewer, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can see the people directory") is { } refused)
        {
            return refused;
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var source = options.SourceFor(claude.Value.Mode == ClaudeMode.Simulated);
        var employed = await db.DirectoryPeople.CountAsync(p => p.Employed, cancellationToken);
        var departed = await db.DirectoryPeople.CountAsync(p => !p.Employed, cancellationToken);
        var lastRun = await db.IngestionRuns.AsNoTracking()
            .Where(r => r.Job == SyncPeopleJob.JobName || r.Job == ImportPeopleCsv.JobName)
            .OrderByDescending(r => r.Id)
            .Select(r => new RunRow(r.Job, r.Status, r.EndedAt ?? r.StartedAt, r.Error, r.Stored))
            .FirstOrDefaultAsync(cancellationToken);
        // Claude's people (keyed by their Claude user id) that no directory person was matched to.
        var unknown = db.Identities.AsNoTracking().Where(i => i.Kind == IdentityKind.Person && i.Status == "active"
            && i.DirectoryId == null && !i.ExternalId.StartsWith(PeopleMatch.DirectoryOnlyPrefix));
        var withoutAccount = await db.Identities.CountAsync(i => i.Kind == IdentityKind.Person
            && i.ExternalId.StartsWith(PeopleMatch.DirectoryOnlyPrefix) && i.EmploymentStatus == EmploymentStatus.Active, cancellationToken);
        var showUnknown = source is PeopleSource.EntraId or PeopleSource.Csv;
        return new Status(source, employed, departed, lastRun,
            showUnknown ? await unknown.CountAsync(cancellationToken) : 0,
            showUnknown
                ? await unknown.OrderBy(i => i.DisplayName).Take(Listed).Select(i => new PersonRow(i.Id, i.DisplayName, i.Email)).ToListAsync(cancellationToken)
                : [],
            withoutAccount, options.MaxDepartedShare,
            await db.Identities.Where(i => i.Kind == IdentityKind.Person && i.Email != null).GroupBy(i => i.Email!)
                .Where(g => g.Count() > 1).Select(g => g.Key).OrderBy(e => e).Take(Listed).ToListAsync(cancellationToken));
    }
}
