using System.Diagnostics.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// The portal's identities, resources and entitlements loaded once per sync and looked up by
/// their stable upstream keys; get-or-create keeps re-syncs from ever duplicating a row.
/// Identities are held untracked, beside a shallow copy of each as loaded, and written a chunk at a time
/// (<see cref="WriteIdentitiesAsync"/>): EF tracking a whole company's identities, and saving them in one go, was most of
/// a 50,000-person sync's memory (1.4 GB). Resources and entitlements, a few per workspace, are loaded tracked once the
/// identities are written (<see cref="LoadResourcesAsync"/>), so no tracked resource is ever fixed up to an identity
/// attached for a write.
/// </summary>
internal sealed class DirectoryModel
{
    private const int ChunkSize = 2_000;

    private readonly ReviewPortalDbContext _db;
    private readonly Dictionary<string, Identity> _identities;
    // Each identity as it was loaded or last written: what a write compares with, as EF's snapshot would.
    private readonly Dictionary<Identity, Identity> _written = new(ReferenceEqualityComparer.Instance);
    private Dictionary<string, Resource> _resources = [];
    private List<Entitlement> _entitlements = [];
    private Dictionary<(Resource Resource, EntitlementKind Kind, string Value), Entitlement> _entitlementsByKey = [];
    private readonly HashSet<object> _new = new(ReferenceEqualityComparer.Instance);
    private Dictionary<int, Identity>? _identitiesById;

    private DirectoryModel(ReviewPortalDbContext db, List<Identity> identities)
    {
        _db = db;
        _identities = identities.ToDictionary(i => i.ExternalId, StringComparer.Ordinal);
        foreach (var identity in identities)
        {
            _written[identity] = identity.ShallowCopy();
        }
    }

    /// <summary>The identities; resources and entitlements come later (<see cref="LoadResourcesAsync"/>).</summary>
    public static async Task<DirectoryModel> LoadAsync(ReviewPortalDbContext db, CancellationToken cancellationToken) =>
        new(db, await db.Identities.AsNoTracking().ToListAsync(cancellationToken));

    public async Task LoadResourcesAsync(CancellationToken cancellationToken)
    {
        var resources = await _db.Resources.ToListAsync(cancellationToken);
        _resources = resources.ToDictionary(r => r.ExternalId, StringComparer.Ordinal);
        _entitlements = await _db.Entitlements.ToListAsync(cancellationToken);
        // Tracked loads fix up each entitlement's resource; the first of duplicates (none expected) answers, as a scan did.
        _entitlementsByKey = _entitlements.DistinctBy(e => (e.Resource, e.Kind, e.Value)).ToDictionary(e => (e.Resource, e.Kind, e.Value));
    }

    public IEnumerable<Entitlement> Entitlements => _entitlements;
    public int IdentityCount => _identities.Count;
    public int ResourceCount => _resources.Count;

    public Identity? FindIdentity(string externalId) => _identities.GetValueOrDefault(externalId);
    public Resource? FindResource(string externalId) => _resources.GetValueOrDefault(externalId);

    /// <summary>An identity by its id (an owner or a manager named by key); new ones once written.</summary>
    public Identity? FindIdentity(int? id)
    {
        _identitiesById ??= _identities.Values.Where(i => i.Id != 0).ToDictionary(i => i.Id);
        return id is { } key ? _identitiesById.GetValueOrDefault(key) : null;
    }

    /// <summary>Whether the row was created by this sync (its id may be set already: new identities are written early).</summary>
    public bool IsNew(object row) => _new.Contains(row);

    /// <summary>
    /// Inserts the identities new since the last write, then writes what changed in <paramref name="changed"/> (every
    /// identity when null), a chunk at a time: each is attached as last written and given its current values, so EF
    /// updates only the columns that moved, with the owner's version as it was read. Nothing stays tracked.
    /// </summary>
    /// <param name="insertOrder">Lower first: who others refer to goes before them.</param>
    /// <param name="beforeInsert">Gives a new identity, just before its chunk is inserted, the references that have an id by then.</param>
    public async Task WriteIdentitiesAsync(IEnumerable<Identity>? changed, CancellationToken cancellationToken,
        Func<Identity, int>? insertOrder = null, Action<Identity>? beforeInsert = null)
    {
        var inserted = new HashSet<Identity>(_identities.Values.Where(i => i.Id == 0), ReferenceEqualityComparer.Instance);
        foreach (var chunk in (insertOrder is null ? inserted : inserted.OrderBy(insertOrder).AsEnumerable()).Chunk(ChunkSize))
        {
            foreach (var identity in chunk)
            {
                beforeInsert?.Invoke(identity);
            }
            _db.Identities.AddRange(chunk);
            await _db.SaveChangesAsync(cancellationToken);
            foreach (var identity in chunk)
            {
                _db.Entry(identity).State = EntityState.Detached;
                _written[identity] = identity.ShallowCopy();
            }
        }
        _identitiesById = null;
        foreach (var chunk in (changed ?? _identities.Values).Where(i => !inserted.Contains(i)).Chunk(ChunkSize))
        {
            var entries = chunk.Select(identity =>
            {
                var entry = _db.Attach(_written[identity]);
                entry.CurrentValues.SetValues(identity);
                return entry;
            }).ToList();
            await _db.SaveChangesAsync(cancellationToken);
            foreach (var entry in entries)
            {
                entry.State = EntityState.Detached;
            }
        }
    }

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
        _peopleByDirectoryId = null;
        _peopleByEmail = null;
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
        _db.Entitlements.Add(entitlement);
        return entitlement;
    }
}
