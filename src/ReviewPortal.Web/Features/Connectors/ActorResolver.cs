using Microsoft.EntityFrameworkCore;
using ReviewPortal.Claude.Models;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Maps an Activity Feed actor to a portal identity: user → person, api key → API key identity,
/// service account, admin key and federated workloads → their NHIs. An actor not yet seen by the
/// directory sync gets a placeholder identity (the sync fills it in) so no activity is unattributed.
/// System, Anthropic, SCIM and unauthenticated actors resolve to nobody and are only counted.
/// </summary>
public sealed class ActorResolver
{
    private readonly Dictionary<string, int> _ids;
    // Placeholders created by the current unit of work: they exist only once it commits.
    private readonly Dictionary<string, int> _uncommitted = new(StringComparer.Ordinal);

    private ActorResolver(Dictionary<string, int> ids) => _ids = ids;

    public static async Task<ActorResolver> LoadAsync(ReviewPortalDbContext db, CancellationToken cancellationToken) =>
        new(await db.Identities.AsNoTracking().ToDictionaryAsync(i => i.ExternalId, i => i.Id, StringComparer.Ordinal, cancellationToken));

    /// <summary>The identity an actor resolves to, by its key; null for actors that resolve to nobody.</summary>
    public static ActorIdentity? Describe(ActivityActor actor) => actor.Type switch
    {
        "user_actor" when actor.UserId is { } id => new(id, IdentityKind.Person, actor.EmailAddress ?? id),
        "api_actor" when actor.ApiKeyId is { } id => new(id, IdentityKind.ApiKey, id),
        "admin_api_key_actor" when actor.AdminApiKeyId is { } id => new(id, IdentityKind.AdminApiKey, id),
        "service_account_actor" when actor.ServiceAccountId is { } id => new(id, IdentityKind.ServiceAccount, id),
        "federated_identity_actor" when actor.Subject is { } subject => new($"fed:{actor.Issuer}|{subject}", IdentityKind.Agent, subject),
        "federated_actor" when actor.Subject is { } subject => new($"fed:{actor.ProviderType}|{subject}", IdentityKind.Agent, subject),
        _ => null,
    };

    /// <summary>The actor's key kept on the event for audit: its identity's (<paramref name="described"/>), else a readable one.</summary>
    public static string? ExternalKey(ActivityActor actor, ActorIdentity? described) =>
        described?.ExternalId ?? actor.Service ?? actor.UnauthenticatedEmailAddress ?? actor.EmailAddress ?? actor.DirectoryId;

    /// <summary>
    /// Gives each event of the pages the identity of its actor (<see cref="PreparedPage.Actors"/>), creating placeholders
    /// for actors not seen yet in the caller's unit of work, with one lookup per event. Call <see cref="Committed"/> once
    /// that unit has committed; a retried unit calls this again, forgetting what its failed attempt created.
    /// </summary>
    internal async Task AttributeAsync(ReviewPortalDbContext db, IReadOnlyList<PreparedPage> pages, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        _uncommitted.Clear();
        Dictionary<string, Identity>? missing = null;
        foreach (var page in pages)
        {
            for (var i = 0; i < page.Events.Count; i++)
            {
                var actor = page.Actors[i];
                var known = actor is not null && _ids.TryGetValue(actor.ExternalId, out var id) ? id : (int?)null;
                page.Events[i].IdentityId = known;
                if (known is null && actor is not null && !(missing ??= new(StringComparer.Ordinal)).ContainsKey(actor.ExternalId))
                {
                    missing[actor.ExternalId] = Placeholder(actor, now);
                }
            }
        }
        if (missing is null)
        {
            return;
        }
        db.Identities.AddRange(missing.Values);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var identity in missing.Values)
        {
            _uncommitted[identity.ExternalId] = identity.Id;
        }
        db.ChangeTracker.Clear();
        foreach (var page in pages)
        {
            for (var i = 0; i < page.Events.Count; i++)
            {
                if (page.Events[i].IdentityId is null && page.Actors[i] is { } actor)
                {
                    page.Events[i].IdentityId = _uncommitted[actor.ExternalId];
                }
            }
        }
    }

    /// <summary>
    /// An identity for an actor the directory sync has not seen yet, which it fills in later. The key fits (FeedLimits
    /// quarantined the records whose actor id does not); the name is display text, and an address too long to store is
    /// left out rather than shortened into someone else's.
    /// </summary>
    private static Identity Placeholder(ActorIdentity actor, DateTimeOffset now) => new()
    {
        ExternalId = actor.ExternalId, Kind = actor.Kind, DisplayName = MaxLengths.Truncate(actor.Name, MaxLengths.Identity.DisplayName),
        Email = actor.Kind == IdentityKind.Person && actor.Name.Contains('@') && MaxLengths.Fits(actor.Name, MaxLengths.Identity.Email)
            ? actor.Name.ToLowerInvariant() : null,
        CreatedAt = now, Status = "unsynced",
    };

    /// <summary>The unit of work that created the latest placeholders has committed: they are known from now on.</summary>
    public void Committed()
    {
        foreach (var (externalId, id) in _uncommitted)
        {
            _ids[externalId] = id;
        }
        _uncommitted.Clear();
    }
}

/// <summary>
/// The identity an Activity Feed actor resolves to: its key, its kind and a first display name. A class: a page's list of
/// references stays off the large object heap, where a list of 5,000 of these as values would land and bring on full
/// collections.
/// </summary>
public sealed record ActorIdentity(string ExternalId, IdentityKind Kind, string Name);
