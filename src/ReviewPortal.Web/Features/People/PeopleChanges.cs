using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;

namespace ReviewPortal.Web.Features.People;

/// <summary>
/// What applying a read to the stored directory would change, person by person: who is new, who moved (department,
/// title or manager), who left, who came back. Computed before anything is written, so a preview shows exactly what an
/// import applies and the mass-departure guard judges the whole change at once.
/// </summary>
public sealed record PeopleChanges(
    IReadOnlyList<SourcePerson> New,
    IReadOnlyList<SourcePerson> Moved,
    IReadOnlyList<SourcePerson> Departed,
    IReadOnlyList<SourcePerson> Returned,
    int Unchanged,
    int EmployedBefore)
{
    public int Total => New.Count + Moved.Count + Departed.Count + Returned.Count;

    public MassChange Judge(PeopleOptions options) =>
        new MassChangeGuard(options.MaxDepartedShare, options.MaxDepartedFloor).Judge(EmployedBefore, Departed.Count);

    /// <param name="stored">The directory as stored, by <see cref="DirectoryPerson.SourceId"/>.</param>
    /// <param name="now">When a departure with no date of its own is recorded.</param>
    public static PeopleChanges Between(IReadOnlyDictionary<string, DirectoryPerson> stored, PeopleRead read, DateTimeOffset now)
    {
        List<SourcePerson> added = [], moved = [], departed = [], returned = [];
        var unchanged = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var person in read.People)
        {
            seen.Add(person.SourceId);
            if (!stored.TryGetValue(person.SourceId, out var before))
            {
                added.Add(person);
            }
            else if (before.Employed && !person.Employed)
            {
                departed.Add(person with { LeftAt = person.LeftAt ?? now });
            }
            else if (!before.Employed && person.Employed)
            {
                returned.Add(person);
            }
            else if (Differs(before, person))
            {
                moved.Add(person);
            }
            else
            {
                unchanged++;
            }
        }
        // Entra's removals, and (for a complete read) everyone the directory no longer lists.
        var gone = read.IsComplete
            ? stored.Keys.Where(id => !seen.Contains(id))
            : read.Removed.Where(id => !seen.Contains(id) && stored.ContainsKey(id));
        foreach (var id in gone)
        {
            var before = stored[id];
            if (before.Employed)
            {
                departed.Add(new SourcePerson(before.SourceId, before.Email, before.FullName, before.Department, before.Title,
                    before.ManagerSourceId, Employed: false, LeftAt: now));
            }
        }
        return new PeopleChanges(added, moved, departed, returned, unchanged, stored.Values.Count(p => p.Employed));
    }

    private static bool Differs(DirectoryPerson before, SourcePerson after) =>
        before.Email != after.Email || before.FullName != after.FullName || before.Department != after.Department
        || before.Title != after.Title || before.ManagerSourceId != after.ManagerSourceId
        // Entra gives no leave date: a leaver's stored date stands unless the source says another.
        || (after.LeftAt is not null && before.LeftAt != after.LeftAt);
}
