using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Web.Features.People;

/// <summary>
/// The people directory as the Entra sync or the last CSV import stored it, for the directory sync. Ids are the
/// source's; the directory sync matches each person to their Claude account by email.
/// </summary>
public sealed class StoredHrDirectory(IDbContextFactory<ReviewPortalDbContext> contexts) : IHrDirectory
{
    public async Task<HrSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var people = await db.DirectoryPeople.AsNoTracking()
            .Select(p => new HrPerson(p.SourceId, p.Email, p.FullName, p.Department ?? "", p.Title ?? "", p.ManagerSourceId, p.Employed, p.LeftAt))
            .ToListAsync(cancellationToken);
        return new HrSnapshot(people, new Dictionary<string, string>());
    }
}
