using ReviewPortal.Claude.Models;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// A feed page made ready to store by the ingestion's reading side, on the second core, while the store writes the pages
/// before it (the store is the critical path: docs/performance.md): screened (<see cref="FeedLimits"/>: the records to
/// quarantine apart), each usable record's row built, with its category and its actor's key, but for the identity it
/// belongs to, which only the store can give (<see cref="ActorResolver.AttributeAsync"/>: it may create placeholders in
/// its unit of work).
/// </summary>
internal sealed class PreparedPage
{
    private PreparedPage(ActivityPage page, List<ActivityEvent> events, List<ActorIdentity?> actors, List<MalformedActivity> unusable)
    {
        Page = page;
        Events = events;
        Actors = actors;
        Unusable = unusable;
    }

    public ActivityPage Page { get; }

    /// <summary>The rows to store, their <see cref="ActivityEvent.IdentityId"/> not set yet.</summary>
    public List<ActivityEvent> Events { get; }

    /// <summary>The identity each event's actor resolves to, by position (null: nobody, only counted).</summary>
    public List<ActorIdentity?> Actors { get; }

    /// <summary>The decoder's malformed records, then those whose identifiers do not fit their columns.</summary>
    public List<MalformedActivity> Unusable { get; }

    public static PreparedPage Prepare(ActivityPage page)
    {
        var events = new List<ActivityEvent>(page.Data.Count);
        var actors = new List<ActorIdentity?>(page.Data.Count);
        var unusable = new List<MalformedActivity>(page.Malformed);
        foreach (var activity in page.Data)
        {
            var actor = ActorResolver.Describe(activity.Actor);
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
            });
            actors.Add(actor);
        }
        return new PreparedPage(page, events, actors, unusable);
    }
}
