using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using ReviewPortal.Benchmarks.Support;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Infrastructure.Auth;

namespace ReviewPortal.Benchmarks.Campaign;

/// <summary>
/// Diagnostic (<c>campaign --prototype</c>): <see cref="LaunchCampaign.HandleAsync"/>'s body, step by step with timers,
/// and the proposed fix: the same rows written with one prepared INSERT on the context's connection and transaction
/// instead of 100,000 tracked entities. Same plan, same evidence, same audit entry, one transaction.
/// </summary>
internal static class LaunchPrototype
{
    public static async Task<Dictionary<string, object?>> RunAsync(IDbContextFactory<ReviewPortalDbContext> contexts, Viewer viewer,
        CampaignDefinition definition, bool raw)
    {
        var prefix = raw ? "raw" : "ef";
        var result = new Dictionary<string, object?>();
        using var process = Process.GetCurrentProcess();
        var total = Stopwatch.StartNew();
        process.Refresh();
        var totalCpu = process.TotalProcessorTime;
        async Task<T> Step<T>(string name, Func<Task<T>> body)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var value = await body();
            process.Refresh();
            result[$"{prefix}_{name}_s"] = Math.Round(clock.Elapsed.TotalSeconds, 2);
            result[$"{prefix}_{name}_cpu_s"] = Math.Round((process.TotalProcessorTime - cpu).TotalSeconds, 2);
            Progress.Say($"  {prefix} {name}: {clock.Elapsed.TotalSeconds:F2} s (CPU {(process.TotalProcessorTime - cpu).TotalSeconds:F2} s)");
            return value;
        }
        var now = DateTimeOffset.UtcNow;
        await using var db = await contexts.CreateDbContextAsync();
        var plan = await Step("plan", () => CampaignPlanner.PlanAsync(db, definition, now, CancellationToken.None));
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var campaign = new Web.Domain.Campaign
        {
            Name = definition.Name.Trim(), Status = CampaignStatus.Active, CreatedById = viewer.IdentityId!.Value, CreatedAt = now, LaunchedAt = now,
            DueAt = definition.DueAt, UnreviewedOutcome = definition.UnreviewedOutcome, Definition = definition,
        };
        var rows = await Step("jsonHash", () => Task.FromResult(plan.Items.Select(p =>
        {
            var json = p.Evidence.ToJson();
            return (p, json, hash: ItemEvidence.Hash(json));
        }).ToList()));
        var audit = new AuditActor(viewer.IdentityId, viewer.Name, now, "bench-prototype");
        var after = new { campaign.Name, items = plan.Items.Count };
        if (!raw)
        {
            db.Campaigns.Add(campaign);
            await Step("track", () =>
            {
                foreach (var (p, json, hash) in rows)
                {
                    db.ReviewItems.Add(new ReviewItem
                    {
                        Campaign = campaign, GrantId = p.Grant.GrantId, IdentityId = p.Grant.IdentityId, EntitlementId = p.Grant.EntitlementId,
                        ReviewerId = p.ReviewerId, Stage = 1, Recommendation = p.Evidence.Recommendation.Recommendation,
                        RecommendationReason = p.Evidence.Recommendation.Reason, EvidenceJson = json, EvidenceAsOf = now, EvidenceHash = hash,
                    });
                }
                return Task.FromResult(0);
            });
            db.Audit(audit, "campaign.launched", campaign, after: after);
            await Step("save", () => db.SaveChangesAsync());
        }
        else
        {
            await Step("save", async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync();
                db.Campaigns.Add(campaign);
                await db.SaveChangesAsync();
                var connection = (SqliteConnection)db.Database.GetDbConnection();
                await using var insert = connection.CreateCommand();
                insert.Transaction = (SqliteTransaction)transaction.GetDbTransaction();
                insert.CommandText = """
                    INSERT INTO ReviewItems (CampaignId, GrantId, IdentityId, EntitlementId, ReviewerId, Stage, Recommendation, RecommendationReason,
                        EvidenceJson, EvidenceAsOf, EvidenceHash, Version)
                    VALUES (@campaign, @grant, @identity, @entitlement, @reviewer, 1, @recommendation, @reason, @json, @asOf, @hash, 0)
                    """;
                insert.Parameters.AddWithValue("@campaign", campaign.Id);
                var grant = insert.Parameters.Add("@grant", SqliteType.Integer);
                var identity = insert.Parameters.Add("@identity", SqliteType.Integer);
                var entitlement = insert.Parameters.Add("@entitlement", SqliteType.Integer);
                var reviewer = insert.Parameters.Add("@reviewer", SqliteType.Integer);
                var recommendation = insert.Parameters.Add("@recommendation", SqliteType.Integer);
                var reason = insert.Parameters.Add("@reason", SqliteType.Text);
                var json = insert.Parameters.Add("@json", SqliteType.Text);
                insert.Parameters.AddWithValue("@asOf", now.UtcTicks);
                var hash = insert.Parameters.Add("@hash", SqliteType.Text);
                insert.Prepare();
                foreach (var (p, j, h) in rows)
                {
                    grant.Value = p.Grant.GrantId;
                    identity.Value = p.Grant.IdentityId;
                    entitlement.Value = p.Grant.EntitlementId;
                    reviewer.Value = p.ReviewerId;
                    recommendation.Value = (int)p.Evidence.Recommendation.Recommendation;
                    reason.Value = p.Evidence.Recommendation.Reason;
                    json.Value = j;
                    hash.Value = h;
                    insert.ExecuteNonQuery();
                }
                db.Audit(audit, "campaign.launched", campaign, after: after);
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
                return 0;
            });
        }
        process.Refresh();
        result[$"{prefix}_total_s"] = Math.Round(total.Elapsed.TotalSeconds, 2);
        result[$"{prefix}_total_cpu_s"] = Math.Round((process.TotalProcessorTime - totalCpu).TotalSeconds, 2);
        result[$"{prefix}_peakWorkingSetMb"] = Machine.PeakWorkingSetMb();
        Progress.Say($"  {prefix} total: {total.Elapsed.TotalSeconds:F1} s (CPU {result[$"{prefix}_total_cpu_s"]} s), {rows.Count:N0} items");
        return result;
    }
}
