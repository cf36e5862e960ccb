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

    public static (string ExternalId, IdentityKind Kind, string Name)? Describe(ActivityActor actor) => actor.Type switch
    {
        "user_actor" when actor.UserId is { } id => (id, IdentityKind.Person, actor.EmailAddress ?? id),
        "api_actor" when actor.ApiKeyId is { } id => (id, IdentityKind.ApiKey, id),
        "admin_api_key_actor" when actor.AdminApiKeyId is { } id => (id, IdentityKind.AdminApiKey, id),
        "service_account_actor" when actor.ServiceAccountId is { } id => (id, IdentityKind.ServiceAccount, id),
        "federated_identity_actor" when actor.Subject is { } subject => ($"fed:{actor.Issuer}|{subject}", IdentityKind.Agent, subject),
        "federated_actor" when actor.Subject is { } subject => ($"fed:{actor.ProviderType}|{subject}", IdentityKind.Agent, subject),
        _ => null,
    };

    /// <summary>A readable actor key for unresolved actors (kept on the event for audit).</summary>
    public static string? ExternalKey(ActivityActor actor) =>
        Describe(actor)?.ExternalId ?? actor.Service ?? actor.UnauthenticatedEmailAddress ?? actor.EmailAddress ?? actor.DirectoryId;

    /// <summary>
    /// Resolves every actor of a page, creating placeholders in the caller's unit of work. Call <see cref="Committed"/>
    /// once that unit has committed; a retried unit calls this again, forgetting what its failed attempt created.
    /// </summary>
    public async Task ResolveAsync(ReviewPortalDbContext db, IEnumerable<ActivityActor> actors, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        _uncommitted.Clear();
        var missing = actors.Select(Describe).OfType<(string ExternalId, IdentityKind Kind, string Name)>()
            .Where(d => !_ids.ContainsKey(d.ExternalId))
            .DistinctBy(d => d.ExternalId)
            .Select(d => new Identity
            {
                // The key fits (FeedLimits quarantined the records whose actor id does not); the name is display text, and an
                // address too long to store is left out rather than shortened into someone else's (the sync fills it in).
                ExternalId = d.ExternalId, Kind = d.Kind, DisplayName = MaxLengths.Truncate(d.Name, MaxLengths.Identity.DisplayName),
                Email = d.Kind == IdentityKind.Person && d.Name.Contains('@') && MaxLengths.Fits(d.Name, MaxLengths.Identity.Email)
                    ? d.Name.ToLowerInvariant() : null,
                CreatedAt = now, Status = "unsynced",
            })
            .ToList();
        if (missing.Count == 0)
        {
            return;
        }
        db.Identities.AddRange(missing);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var identity in missing)
        {
            _uncommitted[identity.ExternalId] = identity.Id;
        }
        db.ChangeTracker.Clear();
    }

    /// <summary>The unit of work that created the latest placeholders has committed: they are known from now on.</summary>
    public void Committed()
    {
        foreach (var (externalId, id) in _uncommitted)
        {
            _ids[externalId] = id;
        }
        _uncommitted.Clear();
    }

    public int? IdOf(ActivityActor actor) =>
        Describe(actor) is { } d && (_ids.TryGetValue(d.ExternalId, out var id) || _uncommitted.TryGetValue(d.ExternalId, out id)) ? id : null;
}
