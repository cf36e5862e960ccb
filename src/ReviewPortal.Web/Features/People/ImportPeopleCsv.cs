using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

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

    /// <summary>The file's errors by line (nothing read), or what it changes and, once applied, the run that did.</summary>
    public sealed record Outcome(IReadOnlyList<PeopleCsvFile.Error> Errors, PeopleChanges? Changes, IngestionRun? Run)
    {
        public bool Applied => Run?.Status == IngestionRunStatus.Succeeded;
    }

    public async Task<Result<Outcome>> PreviewAsync(Viewer viewer, TextReader file, CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can import people") is { } refused)
        {
            return refused;
        }
        var parsed = PeopleCsvFile.Read(file);
        if (!parsed.IsValid)
        {
            return new Outcome(parsed.Errors, null, null);
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await db.DirectoryPeople.AsNoTracking().ToDictionaryAsync(p => p.SourceId, StringComparer.Ordinal, cancellationToken);
        return new Outcome([], PeopleChanges.Between(stored, parsed.Read!, time.GetUtcNow()), null);
    }

    /// <param name="fileName">Named in the audit entry and the alert mail.</param>
    public async Task<Result<Outcome>> ApplyAsync(Viewer viewer, TextReader file, string fileName, string correlationId,
        CancellationToken cancellationToken = default)
    {
        if (AdminScreens.AdminsOnly(viewer, "can import people") is { } refused)
        {
            return refused;
        }
        var parsed = PeopleCsvFile.Read(file);
        if (!parsed.IsValid)
        {
            return new Outcome(parsed.Errors, null, null);
        }
        var actor = new AuditActor(viewer.IdentityId, viewer.Name, time.GetUtcNow(), correlationId);
        var (run, changes) = await apply.ApplyAsync(parsed.Read!, JobName, $"CSV import of {Path.GetFileName(fileName)}", actor, cancellationToken);
        return new Outcome([], changes, run);
    }
}
