using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Features.Connectors;

/// <summary>One grant upstream has: who holds which entitlement, and since when upstream says.</summary>
public readonly record struct DesiredGrant(Identity Identity, Entitlement Entitlement, DateTimeOffset Since);

/// <summary>
/// Brings the open grants in line with what upstream has, in two steps so the mass-change guard can judge between them:
/// <see cref="PlanAsync"/> compares (reading open grants as keys, not entities: at 110,000 tracked grants they were most of
/// a sync's memory), <see cref="ApplyAsync"/> opens the grants upstream has and the portal does not and closes those it no
/// longer has, a chunk at a time (<see cref="ReviewPortalDbContext.SaveChunkAsync"/>), each with its grant event and
/// ledger entry. A grant is closed with its end time, never deleted.
/// </summary>
internal static class GrantReconciler
{
    private const int ChunkSize = 1_000;

    /// <param name="Governed">Open grants the directory is the source of truth for (requested grants not yet provisioned are not).</param>
    /// <param name="Closing">Ids of governed grants upstream no longer has.</param>
    public sealed record Plan(IReadOnlyList<DesiredGrant> Desired, IReadOnlyCollection<OpenGrant> Open, int Governed, IReadOnlyList<long> Closing);

    public sealed record OpenGrant(long Id, int IdentityId, int EntitlementId, GrantSource Source, bool SeenInSync);

    /// <summary>
    /// Compares before any grant is written. No open grant can point at an identity or entitlement new in this sync
    /// (unsaved, or saved moments ago), so the grants to close are known now.
    /// </summary>
    public static async Task<Plan> PlanAsync(ReviewPortalDbContext db, IReadOnlyList<DesiredGrant> desired, CancellationToken cancellationToken)
    {
        var open = await db.Grants.AsNoTracking().Where(g => g.EndedAt == null)
            .Select(g => new OpenGrant(g.Id, g.IdentityId, g.EntitlementId, g.Source, g.LastSeenInSyncAt != null))
            .ToListAsync(cancellationToken);
        var governed = open.Where(g => g.Source != GrantSource.AccessRequest || g.SeenInSync).ToList();
        var kept = desired.Select(d => (d.Identity.Id, d.Entitlement.Id)).ToHashSet();
        var closing = governed.Where(g => !kept.Contains((g.IdentityId, g.EntitlementId))).Select(g => g.Id).ToList();
        return new Plan(desired, open, governed.Count, closing);
    }

    public static async Task<(int Opened, int Closed)> ApplyAsync(ReviewPortalDbContext db, Plan plan, AuditActor actor, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var openByKey = plan.Open.GroupBy(g => (g.IdentityId, g.EntitlementId)).ToDictionary(g => g.Key, g => g.First());
        var firstSeen = new List<long>();
        var opened = 0;
        foreach (var chunk in plan.Desired.DistinctBy(d => (d.Identity.Id, d.Entitlement.Id)).Chunk(ChunkSize))
        {
            foreach (var (identity, entitlement, since) in chunk)
            {
                if (openByKey.TryGetValue((identity.Id, entitlement.Id), out var existing))
                {
                    // Stamped once, when a sync first sees the grant: a re-sync where nothing changed writes nothing but its run.
                    if (!existing.SeenInSync)
                    {
                        firstSeen.Add(existing.Id);
                    }
                    continue;
                }
                var grant = new Grant
                {
                    IdentityId = identity.Id, EntitlementId = entitlement.Id, GrantedAt = since > now ? now : since,
                    Source = GrantSource.DirectorySync, LastSeenInSyncAt = now,
                };
                grant.History.Add(new GrantEvent { OccurredAt = now, Kind = "seen-in-sync", Detail = $"{entitlement.DisplayName} present upstream", ActorDescription = actor.Name });
                db.Grants.Add(grant);
                db.Audit(actor, "grant.opened", grant, after: new { identity = identity.ExternalId, entitlement = entitlement.DisplayName, source = "directory-sync" }, identityId: identity.Id);
                opened++;
            }
            await db.SaveChunkAsync(cancellationToken);
        }
        foreach (var chunk in firstSeen.Chunk(ChunkSize))
        {
            await db.Grants.Where(g => chunk.Contains(g.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(g => g.LastSeenInSyncAt, now), cancellationToken);
        }
        var closed = 0;
        foreach (var chunk in plan.Closing.Chunk(ChunkSize))
        {
            foreach (var grant in await db.Grants.Where(g => chunk.Contains(g.Id)).ToListAsync(cancellationToken))
            {
                grant.Close(now);
                grant.History.Add(new GrantEvent { OccurredAt = now, Kind = "removed-upstream", Detail = "No longer present in the directory", ActorDescription = actor.Name });
                db.Audit(actor, "grant.closed", grant, after: new { reason = "absent from directory sync", endedAt = now }, identityId: grant.IdentityId);
                closed++;
            }
            await db.SaveChunkAsync(cancellationToken);
        }
        return (opened, closed);
    }
}
