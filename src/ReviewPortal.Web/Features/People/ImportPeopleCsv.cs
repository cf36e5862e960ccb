using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Web.Features.People;

/// <summary>
/// An admin's CSV import of the people directory (<see cref="PeopleCsvFile"/>): <see cref="PreviewAsync"/> says what the
/// file would change (new, moved, departed, returned) without writing; <see cref="ApplyAsync"/> applies exactly that,
/// through the same mass-departure guard as the Entra sync. An invalid file is refused whole, its errors by line. The
/// Connectors page and the <c>import-people</c> verb both come here.
/// </summary>
public sealed class ImportPeopleCsv(IDbContextFactory<ReviewPortalDbContext> contexts, ApplyPeopleRead apply, TimeProvider time)
{
    public const string JobName = "import-people";

    public sealed record Outcome(bool Forbidden, IReadOnlyList<PeopleCsvFile.Error> Errors, PeopleChanges? Changes, IngestionRun? Run)
    {
        public bool Applied => Run?.Status == IngestionRunStatus.Succeeded;
    }

    public async Task<Outcome> PreviewAsync(Viewer viewer, TextReader file, CancellationToken cancellationToken = default)
    {
        if (!viewer.IsAdmin)
        {
            return new Outcome(true, [], null, null);
        }
        var parsed = PeopleCsvFile.Read(file);
        if (!parsed.IsValid)
        {
            return new Outcome(false, parsed.Errors, null, null);
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.DirectoryPeople.AsNoTracking().ToDictionaryAsync(p => p.SourceId, StringComparer.Ordinal, cancellationToken);
        return new Outcome(false, [], PeopleChanges.Between(stored, parsed.Read!, time.GetUtcNow()), null);
    }

    /// <param name="fileName">Named in the audit entry and the alert mail.</param>
    public async Task<Outcome> ApplyAsync(Viewer viewer, TextReader file, string fileName, string correlationId,
        CancellationToken cancellationToken = default)
    {
        if (!viewer.IsAdmin)
        {
            return new Outcome(true, [], null, null);
        }
        var parsed = PeopleCsvFile.Read(file);
        if (!parsed.IsValid)
        {
            return new Outcome(false, parsed.Errors, null, null);
        }
        var actor = new AuditActor(viewer.IdentityId, viewer.Name, time.GetUtcNow(), correlationId);
        var (run, changes) = await apply.ApplyAsync(parsed.Read!, JobName, $"CSV import of {Path.GetFileName(fileName)}", actor, cancellationToken);
        return new Outcome(false, [], changes, run);
    }
}
