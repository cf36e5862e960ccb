using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Web.Features.Audit;

/// <summary>The audit explorer's current filter as CSV, streamed row by row (formula-injection safe).</summary>
public static class ExportAuditCsv
{
    public static IEndpointRouteBuilder MapAuditExport(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/audit/export.csv", async (HttpContext context, IDbContextFactory<ReviewPortalDbContext> contexts,
            SearchAuditTrail search, TimeProvider time, string? actor, int? identity, int? campaign, string? action, string? text,
            DateTimeOffset? from, DateTimeOffset? to, bool? noise) =>
        {
            var viewer = Viewer.From(context.User);
            var filter = new SearchAuditTrail.Filter
            {
                Actor = actor, IdentityId = identity, CampaignId = campaign, Action = action, Text = text, From = from, To = to,
                // The page passes what it shows; a bare export link keeps exporting the whole ledger.
                IncludeSystemNoise = noise ?? true,
            };
            await using (var log = await contexts.CreateDbContextAsync(context.RequestAborted))
            {
                log.Audit(new AuditActor(viewer.IdentityId, viewer.Name, time.GetUtcNow(), context.TraceIdentifier), "audit.exported",
                    new AuditTarget("AuditLedger", "csv"), after: filter);
                await log.SaveChangesAsync(context.RequestAborted);
            }

            context.Response.ContentType = "text/csv; charset=utf-8";
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"audit-{time.GetUtcNow():yyyyMMdd-HHmmss}.csv\"";
            await using var db = await contexts.CreateDbContextAsync(context.RequestAborted);
            await using var csv = SafeCsv.Create(context.Response.Body);
            await csv.WriteRecordAsync(["sequence", "occurred_at", "actor_id", "actor", "action", "target_type", "target_id",
                "identity_id", "campaign_id", "before", "after", "correlation_id", "previous_hash", "hash"], context.RequestAborted);
            await foreach (var e in search.StreamAsync(db, filter).WithCancellation(context.RequestAborted))
            {
                await csv.WriteRecordAsync([
                    e.Sequence.ToString(CultureInfo.InvariantCulture), e.OccurredAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                    e.ActorId?.ToString(CultureInfo.InvariantCulture), e.Actor, e.Action, e.TargetType, e.TargetId,
                    e.IdentityId?.ToString(CultureInfo.InvariantCulture), e.CampaignId?.ToString(CultureInfo.InvariantCulture),
                    e.Before, e.After, e.CorrelationId, e.PreviousHash, e.Hash,
                ], context.RequestAborted);
            }
            await csv.FlushAsync(context.RequestAborted);
        }).RequireAuthorization(Policies.AuditReader);

        endpoints.MapGet("/campaigns/{id:int}/evidence.zip", async (int id, HttpContext context, ExportEvidencePack export, TimeProvider time) =>
        {
            // ZipArchive closes entries with synchronous writes, which Kestrel refuses on the response body:
            // build the pack in a temp file (memory stays flat), then stream it out asynchronously.
            await using var temp = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920,
                FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            var written = await export.WriteAsync(Viewer.From(context.User), id, temp, context.TraceIdentifier, context.RequestAborted);
            if (!written.Ok)
            {
                return written.Refusal.ToProblem();
            }
            temp.Position = 0;
            context.Response.ContentType = "application/zip";
            context.Response.ContentLength = temp.Length;
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"evidence-campaign-{id}-{time.GetUtcNow():yyyyMMdd-HHmmss}.zip\"";
            await temp.CopyToAsync(context.Response.Body, context.RequestAborted);
            return Results.Empty;
        }).RequireAuthorization(Policies.AuditReader);
        return endpoints;
    }
}
