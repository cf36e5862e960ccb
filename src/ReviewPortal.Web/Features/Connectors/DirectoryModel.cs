using System.Diagnostics.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// The portal's identities, resources and entitlements loaded once per sync and looked up by
/// their stable upstream keys; get-or-create keeps re-syncs from ever duplicating a row.
/// New and changed rows are saved as they pile up (<see cref="SaveWhenFullAsync"/>), inside the sync's transaction:
/// one save of a whole company's first sync (72,000 new identities) took 400 MB more than its data for EF's commands.
/// </summary>
internal sealed class DirectoryModel
{
    /// <summary>New or changed rows held before they are saved.</summary>
    private const int SaveEvery = 10_000;

    private readonly ReviewPortalDbContext _db;
    private readonly Dictionary<string, Identity> _identities;
    private readonly Dictionary<string, Resource> _resources;
    private readonly List<Entitlement> _entitlements;
    private readonly Dictionary<(Resource Resource, EntitlementKind Kind, string Value), Entitlement> _entitlementsByKey;
    private readonly HashSet<object> _new = new(ReferenceEqualityComparer.Instance);
    private int _staged;

    private DirectoryModel(ReviewPortalDbContext db, List<Identity> identities, List<Resource> resources, List<Entitlement> entitlements)
    {
        _db = db;
        _identities = identities.ToDictionary(i => i.ExternalId, StringComparer.Ordinal);
        _resources = resources.ToDictionary(r => r.ExternalId, StringComparer.Ordinal);
        _entitlements = entitlements;
        // Tracked loads fix up each entitlement's resource; the first of duplicates (none expected) answers, as a scan did.
        _entitlementsByKey = entitlements.DistinctBy(e => (e.Resource, e.Kind, e.Value)).ToDictionary(e => (e.Resource, e.Kind, e.Value));
    }

    /// <summary>Whether the row was created by this sync (its id may be set already: the model saves as it goes).</summary>
    public bool IsNew(object row) => _new.Contains(row);

    /// <summary>Counts a change to a loaded row (a manager, an owner) towards the next save.</summary>
    public void Staged() => _staged++;

    /// <summary>Saves what is staged once <see cref="SaveEvery"/> rows are; ledger entries stay staged for the unit's end.</summary>
    public async Task SaveWhenFullAsync(CancellationToken cancellationToken)
    {
        if (_staged >= SaveEvery)
        {
            await _db.SaveChangesAsync(cancellationToken);
            _staged = 0;
        }
    }

    public static async Task<DirectoryModel> LoadAsync(ReviewPortalDbContext db, CancellationToken cancellationToken) => new(db,
        await db.Identities.ToListAsync(cancellationToken),
        await db.Resources.ToListAsync(cancellationToken),
        await db.Entitlements.ToListAsync(cancellationToken));

    public IEnumerable<Entitlement> Entitlements => _entitlements;
    public int IdentityCount => _identities.Count;
    public int ResourceCount => _resources.Count;

    public Identity? FindIdentity(string externalId) => _identities.GetValueOrDefault(externalId);
    public Resource? FindResource(string externalId) => _resources.GetValueOrDefault(externalId);

    /// <summary>
    /// Shortens what the sync wrote into display columns (names, titles, departments, key hints, statuses) to their
    /// lengths, just before saving, whichever assignment set it. An address too long to store is dropped, not shortened
    /// into someone else's. Values that already fit are untouched, so an unchanged upstream changes nothing. Returns how
    /// many values it changed.
    /// </summary>
    public int ShortenDisplayText()
    {
        var changed = 0;
        [return: NotNullIfNotNull(nameof(value))]
        string? Fit(string? value, int maxLength)
        {
            var fitted = MaxLengths.Truncate(value, maxLength);
            changed += ReferenceEquals(fitted, value) ? 0 : 1;
            return fitted;
        }

        foreach (var identity in _identities.Values)
        {
            identity.DisplayName = Fit(identity.DisplayName, MaxLengths.Identity.DisplayName);
            identity.Department = Fit(identity.Department, MaxLengths.Identity.Department);
            identity.Title = Fit(identity.Title, MaxLengths.Identity.Title);
            identity.Status = Fit(identity.Status, MaxLengths.Identity.Status);
            identity.KeyHint = Fit(identity.KeyHint, MaxLengths.Identity.KeyHint);
            if (!MaxLengths.Fits(identity.Email, MaxLengths.Identity.Email))
            {
                identity.Email = null;
                changed++;
            }
        }
        foreach (var resource in _resources.Values)
        {
            resource.Name = Fit(resource.Name, MaxLengths.Resource.Name);
        }
        foreach (var entitlement in _entitlements)
        {
            entitlement.DisplayName = Fit(entitlement.DisplayName, MaxLengths.Entitlement.DisplayName);
        }
        return changed;
    }

    // People by directory id and by address, built on first use and dropped whenever an identity is added or re-keyed:
    // the people matching asks once per directory person, and a scan each time is quadratic in a 50,000-person company.
    private Dictionary<string, Identity>? _peopleByDirectoryId;
    private Dictionary<string, Identity?>? _peopleByEmail;

    /// <summary>The person the people directory's <paramref name="directoryId"/> was matched to by an earlier sync.</summary>
    public Identity? FindPersonByDirectoryId(string directoryId)
    {
        _peopleByDirectoryId ??= People().Where(i => i.DirectoryId is not null)
            .GroupBy(i => i.DirectoryId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return _peopleByDirectoryId.GetValueOrDefault(directoryId);
    }

    /// <summary>The one person stored with this (lower-cased) address, or null when none or several are.</summary>
    public Identity? FindPersonByEmail(string email)
    {
        // An address several people have maps to null: it identifies nobody.
        _peopleByEmail ??= People().Where(i => i.Email is not null)
            .GroupBy(i => i.Email!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count() == 1 ? g.First() : null, StringComparer.Ordinal);
        return _peopleByEmail.GetValueOrDefault(email);
    }

    private IEnumerable<Identity> People() => _identities.Values.Where(i => i.Kind == IdentityKind.Person);

    /// <summary>Gives an identity a new key (someone known only to the people directory who now has a Claude account).</summary>
    public void Rekey(Identity identity, string externalId)
    {
        _identities.Remove(identity.ExternalId);
        identity.ExternalId = externalId;
        _identities[externalId] = identity;
    }

    public Identity Identity(string externalId, IdentityKind kind, string name, DateTimeOffset createdAt)
    {
        if (_identities.TryGetValue(externalId, out var existing))
        {
            if (existing.Status == "unsynced")
            {
                existing.Status = "active"; // A placeholder from ingestion, now known to the directory.
            }
            return existing;
        }
        var identity = new Identity { ExternalId = externalId, Kind = kind, DisplayName = name, CreatedAt = createdAt };
        _identities[externalId] = identity;
        _new.Add(identity);
        _staged++;
        _peopleByDirectoryId = null;
        _peopleByEmail = null;
        _db.Identities.Add(identity);
        return identity;
    }

    public Resource Resource(string externalId, ResourceKind kind, string name, Platform platform, DateTimeOffset createdAt)
    {
        if (_resources.TryGetValue(externalId, out var existing))
        {
            existing.Name = name;
            return existing;
        }
        var resource = new Resource { ExternalId = externalId, Kind = kind, Name = name, Platform = platform, CreatedAt = createdAt };
        _resources[externalId] = resource;
        _new.Add(resource);
        _staged++;
        _db.Resources.Add(resource);
        return resource;
    }

    public Entitlement Entitlement(Resource resource, EntitlementKind kind, string value, string displayName, bool privileged)
    {
        if (_entitlementsByKey.TryGetValue((resource, kind, value), out var existing))
        {
            return existing;
        }
        var entitlement = new Entitlement { Resource = resource, Kind = kind, Value = value, DisplayName = displayName, IsPrivileged = privileged };
        _entitlements.Add(entitlement);
        _entitlementsByKey[(resource, kind, value)] = entitlement;
        _new.Add(entitlement);
        _staged++;
        _db.Entitlements.Add(entitlement);
        return entitlement;
    }
}
