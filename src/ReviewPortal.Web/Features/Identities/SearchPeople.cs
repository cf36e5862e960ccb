using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Identities;

/// <summary>Directory look-up of employed people by name or email (to reassign a review, pick a reviewer).</summary>
public sealed class SearchPeople(IDbContextFactory<ReviewPortalDbContext> contexts)
{
    public async Task<Result<IReadOnlyList<PersonOption>>> HandleAsync(Viewer viewer, string? term, CancellationToken cancellationToken = default)
    {
        if (viewer.IdentityId is null && !viewer.CanReadEverything)
        {
            return Refusal.Forbidden("Your sign-in is not linked to a person in the directory.");
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var people = db.Identities.AsNoTracking().Where(i => i.Kind == IdentityKind.Person && i.EmploymentStatus == EmploymentStatus.Active);
        if (!string.IsNullOrWhiteSpace(term))
        {
            var t = term.Trim().ToLower();
            people = people.Where(i => i.DisplayName.ToLower().Contains(t) || (i.Email != null && i.Email.Contains(t)));
        }
        return await people.OrderBy(i => i.DisplayName).Take(20)
            .Select(i => new PersonOption(i.Id, i.DisplayName, i.Title, i.Department, i.Email)).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Any identity by name or email, departed people and non-human identities included (the audit explorer's identity
    /// filter: a leaver's or a key's trail matters most there). Only for those who may read every identity.
    /// </summary>
    public async Task<Result<IReadOnlyList<PersonOption>>> AnyIdentityAsync(Viewer viewer, string? term, int? id = null, CancellationToken cancellationToken = default)
    {
        if (!viewer.CanReadEverything)
        {
            return Refusal.Forbidden("Only administrators and compliance can look up any identity.");
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var identities = db.Identities.AsNoTracking();
        if (id is { } one)
        {
            identities = identities.Where(i => i.Id == one);
        }
        else if (!string.IsNullOrWhiteSpace(term))
        {
            var t = term.Trim().ToLower();
            identities = identities.Where(i => i.DisplayName.ToLower().Contains(t) || (i.Email != null && i.Email.ToLower().Contains(t)));
        }
        var found = await identities.OrderBy(i => i.DisplayName).ThenBy(i => i.Id).Take(20)
            .Select(i => new { i.Id, i.DisplayName, i.Title, i.Email, i.Kind, i.EmploymentStatus }).ToListAsync(cancellationToken);
        // Two people can share a name: the email (or the kind, for a key) tells them apart in the list.
        return found.Select(i => new PersonOption(i.Id, i.DisplayName,
            i.Kind != IdentityKind.Person ? Humanize.Kind(i.Kind)
                : string.Join(", ", new[] { i.Email, i.EmploymentStatus == EmploymentStatus.Departed ? "departed" : null }.Where(x => x is not null)) is { Length: > 0 } d ? d : null,
            null)).ToList();
    }

    /// <summary>The people a saved form names (a draft's fallback and named reviewers), so its pickers show them again.</summary>
    public async Task<Result<IReadOnlyList<PersonOption>>> HandleAsync(Viewer viewer, IReadOnlyCollection<int> ids, CancellationToken cancellationToken = default)
    {
        if (viewer.IdentityId is null && !viewer.CanReadEverything)
        {
            return Refusal.Forbidden("Your sign-in is not linked to a person in the directory.");
        }
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Identities.AsNoTracking().Where(i => i.Kind == IdentityKind.Person && ids.Contains(i.Id))
            .Select(i => new PersonOption(i.Id, i.DisplayName, i.Title, i.Department, i.Email)).ToListAsync(cancellationToken);
    }
}

/// <param name="Email">Shown beside the name so two people of the same name can be told apart (issue #15, 8).</param>
public sealed record PersonOption(int Id, string Name, string? Title, string? Department, string? Email = null)
{
    public override string ToString() => Components.Shared.Humanize.Person(Title is null ? Name : $"{Name} ({Title})", Email, Department);
}
