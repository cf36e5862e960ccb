using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Which identity each person of the people directory is: their Claude account where one has their address
/// (case-insensitively), else the identity an earlier sync matched them to (a leaver whose account is gone), else one of
/// their own, keyed <see cref="DirectoryOnlyPrefix"/> + their directory id (a manager without a Claude seat). When such
/// a person later gets a Claude account, their identity takes the account's key, so their history stays on one row.
/// An address two people of the directory share matches neither: it is reported, never settled by a guess.
/// </summary>
public static class PeopleMatch
{
    public const string DirectoryOnlyPrefix = "hr:";

    /// <returns>Each directory id's identity key, and the addresses the directory gives to more than one person.</returns>
    internal static (IReadOnlyDictionary<string, string> Keys, IReadOnlyList<string> SharedEmails) Match(DirectorySnapshot snapshot,
        DirectoryModel model)
    {
        if (snapshot.Hr.KeyedByClaudeUserId)
        {
            return (snapshot.Hr.People.ToDictionary(p => p.UserId, p => p.UserId), []);
        }
        var claudeByEmail = snapshot.Organizations.SelectMany(o => o.Users).DistinctBy(u => u.Id)
            .GroupBy(u => u.Email.ToLowerInvariant())
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single().Id, StringComparer.Ordinal);
        var shared = snapshot.Hr.People.GroupBy(p => p.Email.ToLowerInvariant()).Where(g => g.Count() > 1)
            .Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var person in snapshot.Hr.People)
        {
            var email = person.Email.ToLowerInvariant();
            var unique = !shared.Contains(email);
            var ownKey = DirectoryOnlyPrefix + person.UserId;
            var key = (unique ? claudeByEmail.GetValueOrDefault(email) : null)
                ?? model.FindPersonByDirectoryId(person.UserId)?.ExternalId
                ?? (unique ? model.FindPersonByEmail(email)?.ExternalId : null)
                ?? ownKey;
            if (key != ownKey && model.FindIdentity(key) is null && model.FindIdentity(ownKey) is { } directoryOnly)
            {
                model.Rekey(directoryOnly, key);
            }
            keys[person.UserId] = key;
        }
        return (keys, [.. shared.Order(StringComparer.Ordinal)]);
    }
}
