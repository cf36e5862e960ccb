using ReviewPortal.Claude.Models;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// A feed page made ready to store by the ingestion's reading side, on the second core, while the store writes the pages
/// before it (the store is the critical path: docs/performance.md): screened (<see cref="FeedLimits"/>: the records to
/// quarantine apart), each usable record's row built, with its category and its actor's key, but for the identity it
/// belongs to, which only the store can give (<see cref="ActorResolver.AttributeAsync"/>: it may create placeholders in
/// its unit of work). It keeps nothing of the decoded page but its rows: a page waits for the store across a few
/// collections, and whatever it holds by then is promoted to the oldest generation, which is rarely collected.
/// </summary>
internal sealed class PreparedPage
{
    private PreparedPage(List<ActivityEvent> events, List<ActorIdentity?> actors, List<MalformedActivity> unusable, string? cursor, string? requestId)
    {
        Events = events;
        Actors = actors;
        Unusable = unusable;
        Cursor = cursor;
        RequestId = requestId;
    }

    /// <summary>The rows to store, their <see cref="ActivityEvent.IdentityId"/> not set yet.</summary>
    public List<ActivityEvent> Events { get; }

    /// <summary>The identity each event's actor resolves to, by position (null: nobody, only counted).</summary>
    public List<ActorIdentity?> Actors { get; }

    /// <summary>The decoder's malformed records, then those whose identifiers do not fit their columns.</summary>
    public List<MalformedActivity> Unusable { get; }

    /// <summary>Where the stored cursor moves once this page is stored (<see cref="FeedLimits.CursorAfter"/>); null: it stays.</summary>
    public string? Cursor { get; }

    /// <summary>The page's <c>request-id</c>, for the run's record.</summary>
    public string? RequestId { get; }

    /// <param name="page">The decoded page.</param>
    /// <param name="actors">
    /// The run's actor descriptions by key: every event of one actor shares one, so a page holds a reference per event,
    /// not a description.
    /// </param>
    public static PreparedPage Prepare(ActivityPage page, ActorDescriptions actors)
    {
        var events = new List<ActivityEvent>(page.Data.Count);
        var eventActors = new List<ActorIdentity?>(page.Data.Count);
        var unusable = new List<MalformedActivity>(page.Malformed);
        foreach (var activity in page.Data)
        {
            var actor = actors.Shared(ActorResolver.Describe(activity.Actor));
            var actorKey = ActorResolver.ExternalKey(activity.Actor, actor);
            if (FeedLimits.Refusal(activity, actor, actorKey) is { } reason)
            {
                unusable.Add(new MalformedActivity(activity.RawJson, reason));
                continue;
            }
            events.Add(new ActivityEvent
            {
                ActivityId = activity.Id,
                OccurredAt = activity.CreatedAt,
                Type = activity.Type,
                Category = ActivityCategories.Of(activity.Type, activity.Actor.Type),
                OrganizationUuid = activity.OrganizationUuid,
                ActorType = activity.Actor.Type,
                ActorExternalId = actorKey,
                RawJson = activity.RawJson,
                // Evidence only: a workspace id too long to key the rollup leaves the event counted overall, not quarantined.
                WorkspaceId = MaxLengths.Fits(activity.WorkspaceId, MaxLengths.Resource.ExternalId) ? activity.WorkspaceId : null,
            });
            eventActors.Add(actor);
        }
        return new PreparedPage(events, eventActors, unusable, FeedLimits.CursorAfter(page), page.RequestId);
    }
}

/// <summary>
/// One <see cref="ActorIdentity"/> per actor for a whole ingestion run (up to <see cref="Limit"/> actors; an organization
/// has far fewer): the description an event's actor gets is the first one seen.
/// </summary>
internal sealed class ActorDescriptions
{
    private const int Limit = 200_000;
    private readonly Dictionary<string, ActorIdentity> _byKey = new(StringComparer.Ordinal);

    public ActorIdentity? Shared(ActorIdentity? actor)
    {
        if (actor is null)
        {
            return null;
        }
        if (_byKey.TryGetValue(actor.ExternalId, out var known))
        {
            return known;
        }
        if (_byKey.Count < Limit)
        {
            _byKey[actor.ExternalId] = actor;
        }
        return actor;
    }
}
