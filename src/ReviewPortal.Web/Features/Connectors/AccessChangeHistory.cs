using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>
/// Attaches access changes seen in the Activity Feed (role updates, workspace membership, key
/// creation and status, group membership, removals) to the history of the grant they changed,
/// with who did it. This is the upstream half of every entitlement's approval trail. Incremental:
/// a watermark over ActivityEvents (the changes read through the partial index of admin changes), and a unique
/// (grant, activity) index makes re-runs harmless.
/// </summary>
public static class AccessChangeHistory
{
    public const string WatermarkName = "grant-history";

    /// <summary>
    /// A change whose identity or grant is not known yet (ingested before the sync that opens it)
    /// holds the watermark back this long, so the next sync can still attach it.
    /// </summary>
    public static readonly TimeSpan WaitForDirectory = TimeSpan.FromDays(2);

    /// <summary>The access changes; each is an admin change (<see cref="ActivityCategories"/>), so found through their index.</summary>
    internal static readonly string[] Types =
    [
        "claude_user_role_updated", "platform_workspace_member_added", "platform_workspace_member_updated",
        "platform_workspace_member_removed", "platform_api_key_created", "platform_api_key_updated", "api_key_created",
        "group_member_added", "group_member_removed", "org_user_deleted",
    ];

    public static async Task<int> AttachAsync(ReviewPortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var watermark = await db.IngestionCursors.FindAsync([WatermarkName], cancellationToken);
        var after = long.TryParse(watermark?.Cursor, out var w) ? w : 0;
        var events = await ChangesAfter(db, after)
            .Select(e => new { e.Id, e.ActivityId, e.Type, e.OccurredAt, e.OrganizationUuid, e.RawJson })
            .ToListAsync(cancellationToken);
        var newest = await db.ActivityEvents.MaxAsync(e => (long?)e.Id, cancellationToken) ?? after;

        // Only the identities these changes name, with their grants and what is attached to those: the work (and the
        // memory) follows the number of changes, not the size of the organization (every grant of 50,000 people, before).
        var subjects = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            using var json = JsonDocument.Parse(e.RawJson);
            subjects.UnionWith(Targets(e.Type, json.RootElement, e.OrganizationUuid).Select(t => t.Subject).OfType<string>());
        }
        var named = subjects.ToList();
        var identities = await db.Identities.AsNoTracking().Where(i => named.Contains(i.ExternalId))
            .ToDictionaryAsync(i => i.ExternalId, i => i.Id, cancellationToken);
        var identityIds = identities.Values.ToList();
        var grants = await db.Grants.AsNoTracking().Where(g => identityIds.Contains(g.IdentityId))
            .Select(g => new GrantKey(g.Id, g.IdentityId, g.Entitlement.Kind, g.Entitlement.Value, g.Entitlement.Resource.ExternalId, g.GrantedAt))
            .ToListAsync(cancellationToken);
        var byIdentity = grants.ToLookup(g => g.IdentityId);
        var grantIds = grants.Select(g => g.Id).ToList();
        var attached = await db.GrantEvents.Where(e => e.ActivityId != null && grantIds.Contains(e.GrantId))
            .Select(e => new { e.GrantId, e.ActivityId }).ToListAsync(cancellationToken);
        var seen = attached.Select(a => (a.GrantId, a.ActivityId!)).ToHashSet();

        var added = 0;
        long? firstUnmatched = null;
        foreach (var e in events)
        {
            using var json = JsonDocument.Parse(e.RawJson);
            var root = json.RootElement;
            var actor = DescribeActor(root);
            foreach (var (subject, match, detail) in Targets(e.Type, root, e.OrganizationUuid))
            {
                var grant = subject is not null && identities.TryGetValue(subject, out var identityId)
                    // The grant this event changed: the most recent one of that identity that matches.
                    ? byIdentity[identityId].Where(match).OrderByDescending(g => g.GrantedAt).FirstOrDefault()
                    : null;
                if (grant is null)
                {
                    if (subject is not null && now - e.OccurredAt < WaitForDirectory)
                    {
                        firstUnmatched ??= e.Id;
                    }
                    continue;
                }
                if (!seen.Add((grant.Id, e.ActivityId)))
                {
                    continue;
                }
                db.GrantEvents.Add(new GrantEvent
                {
                    // Kind is one of the short Types above. The actor text quotes the record's raw actor (an address of any
                    // length); it runs inside the directory sync and the ingestion run's end, so it must never fail them.
                    GrantId = grant.Id, OccurredAt = e.OccurredAt, Kind = e.Type, Detail = detail,
                    ActorDescription = MaxLengths.Truncate(actor, MaxLengths.GrantEvent.ActorDescription), ActivityId = e.ActivityId,
                });
                added++;
            }
        }
        // Re-scanning from an unmatched change is harmless: (grant, activity) pairs attach once.
        if (firstUnmatched is { } hold)
        {
            newest = Math.Min(newest, hold - 1);
        }
        if (watermark is null)
        {
            db.IngestionCursors.Add(new IngestionCursor { Name = WatermarkName, Cursor = newest.ToString(), UpdatedAt = now });
        }
        else
        {
            watermark.Cursor = newest.ToString();
            watermark.UpdatedAt = now;
        }
        return added;
    }

    /// <summary>
    /// The access changes stored after <paramref name="after"/>, oldest first, read through the partial index of admin
    /// changes (IX_ActivityEvents_AdminChanges), not by a scan of every event stored since.
    /// </summary>
    internal static IQueryable<ActivityEvent> ChangesAfter(ReviewPortalDbContext db, long after) =>
        db.ActivityEvents.AsNoTracking()
            .Where(e => e.Id > after && e.Category == ActivityCategory.AdminChange && Types.Contains(e.Type))
            .OrderBy(e => e.Id);

    private sealed record GrantKey(long Id, int IdentityId, EntitlementKind Kind, string Value, string Resource, DateTimeOffset GrantedAt);

    private static IEnumerable<(string? Subject, Func<GrantKey, bool> Match, string Detail)> Targets(string type, JsonElement root, string? orgUuid)
    {
        string? S(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        switch (type)
        {
            case "claude_user_role_updated":
                var role = S("current_role") ?? S("previous_role");
                yield return (S("user_id"), g => g.Kind == EntitlementKind.OrgRole && g.Value == role && (orgUuid is null || g.Resource == orgUuid),
                    S("previous_role") is null ? $"added as {S("current_role")}" : S("current_role") is null ? $"removed (was {S("previous_role")})"
                        : $"role {S("previous_role")} → {S("current_role")}");
                break;
            case "platform_workspace_member_added" or "platform_workspace_member_updated" or "platform_workspace_member_removed":
                var workspace = S("workspace_id");
                yield return (S("user_id"), g => g.Kind == EntitlementKind.WorkspaceRole && g.Resource == workspace,
                    type["platform_workspace_member_".Length..] + $" in {workspace}");
                break;
            case "platform_api_key_created" or "platform_api_key_updated" or "api_key_created":
                yield return (S("api_key_id"), g => g.Kind == EntitlementKind.ApiKey, type.EndsWith("created") ? "key created" : $"key updated {Updates(root)}");
                break;
            case "group_member_added" or "group_member_removed":
                var group = S("group_id");
                if (root.TryGetProperty("member_ids", out var members) && members.ValueKind == JsonValueKind.Array)
                {
                    foreach (var member in members.EnumerateArray())
                    {
                        yield return (member.GetString(), g => g.Kind == EntitlementKind.GroupMembership && g.Resource == group,
                            type.EndsWith("added") ? "added to group" : "removed from group");
                    }
                }
                break;
            case "org_user_deleted":
                yield return (S("deleted_user_id"), g => g.Kind == EntitlementKind.OrgRole, "removed from the organization");
                break;
        }
    }

    private static string Updates(JsonElement root) =>
        root.TryGetProperty("updates", out var updates) && updates.ValueKind == JsonValueKind.Array
            ? string.Join(", ", updates.EnumerateArray().Select(u =>
                $"{Str(u, "type")}: {Str(u, "previous_value")} → {Str(u, "current_value")}"))
            : "";

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string DescribeActor(JsonElement root)
    {
        if (!root.TryGetProperty("actor", out var actor) || actor.ValueKind != JsonValueKind.Object)
        {
            return "unknown actor";
        }
        var type = Str(actor, "type") ?? "unknown";
        var who = Str(actor, "email_address") ?? Str(actor, "admin_api_key_id") ?? Str(actor, "api_key_id")
            ?? Str(actor, "service_account_id") ?? Str(actor, "idp_connection_type") ?? Str(actor, "service");
        return who is null ? type : $"{who} ({type})";
    }
}
