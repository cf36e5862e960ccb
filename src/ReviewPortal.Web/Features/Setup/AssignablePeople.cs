using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Components.Shared;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Setup;

/// <summary>Who may be named an owner, a backup owner or a fallback: an employed person (never a key, never a leaver).</summary>
internal static class AssignablePeople
{
    public static async Task<Dictionary<int, Identity>> LoadAsync(ReviewPortalDbContext db, IEnumerable<int?> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.OfType<int>().Distinct().ToList();
        return await db.Identities.AsNoTracking().Where(i => wanted.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
    }

    /// <summary>Why <paramref name="id"/> cannot be the <paramref name="role"/>, or null when they can (or nobody was chosen).</summary>
    public static string? Problem(IReadOnlyDictionary<int, Identity> people, int? id, string role)
    {
        if (id is not { } value)
        {
            return null;
        }
        if (!people.TryGetValue(value, out var person))
        {
            return $"The chosen {role} is not in the directory. Choose again.";
        }
        if (person.Kind != IdentityKind.Person)
        {
            return $"{person.DisplayName} is {Article(Humanize.Kind(person.Kind))}: the {role} must be a person.";
        }
        return person.EmploymentStatus == EmploymentStatus.Departed
            ? $"{person.DisplayName} has left the company: choose someone employed as the {role}."
            : null;
    }

    public static string Name(IReadOnlyDictionary<int, Identity> people, int? id) =>
        id is { } value && people.TryGetValue(value, out var person) ? person.DisplayName : "nobody";

    /// <summary>"an API key", "a service account": acronyms keep their capitals.</summary>
    private static string Article(string noun)
    {
        var word = noun.Length > 1 && char.IsLower(noun[1]) ? char.ToLowerInvariant(noun[0]) + noun[1..] : noun;
        return ("aeiouAEIOU".Contains(word[0], StringComparison.Ordinal) ? "an " : "a ") + word;
    }
}
