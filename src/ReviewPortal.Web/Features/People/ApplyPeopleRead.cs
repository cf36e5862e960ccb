using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Features.Reviews;

namespace ReviewPortal.Web.Features.People;

/// <summary>
/// Applies one read of the people source to the stored directory, in one unit of work with its run record, its audit
/// entry and (for Entra) the delta link to resume from, so a crash leaves either all of it or none. A read that would
/// mark too many people departed at once (<see cref="PeopleOptions.MaxDepartedShare"/>) changes nothing: the run is
/// recorded as blocked, audited, and the admins are alerted once a day; the delta link is not moved, so every later
/// round reads the same change again until it is resolved.
/// </summary>
public sealed class ApplyPeopleRead(IDbContextFactory<ReviewPortalDbContext> contexts, PeopleOptions options, AdminAlerts alerts,
    TimeProvider time)
{
    /// <summary>Where Entra's delta link is kept (<see cref="IngestionCursor"/>).</summary>
    public const string EntraCursor = "people-entra";
    public const string AlertCondition = "people-directory-blocked";

    /// <param name="job">The run's name: the Entra sync or the CSV import.</param>
    /// <param name="sourceDescription">How the alert mail names the source ("Entra ID sync", "CSV import of people.csv").</param>
    public async Task<(IngestionRun Run, PeopleChanges Changes)> ApplyAsync(PeopleRead read, string job, string sourceDescription,
        AuditActor actor, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        return await contexts.WriteAsync(async (db, ct) =>
        {
            var now = time.GetUtcNow();
            // Read untracked: a row is attached only when it changes, so a company's directory is not tracked whole.
            var stored = await db.DirectoryPeople.AsNoTracking().ToDictionaryAsync(p => p.SourceId, StringComparer.Ordinal, ct);
            var changes = PeopleChanges.Between(stored, read, now);
            var run = new IngestionRun
            {
                Job = job, StartedAt = started, EndedAt = now, Fetched = read.People.Count + read.Removed.Count,
                Details = Details(changes),
            };
            var guard = changes.Judge(options);
            if (guard.Blocked)
            {
                run.Status = IngestionRunStatus.Blocked;
                run.Error = $"Would mark {guard.Removing} of {guard.Total} employed people departed; one change may mark {guard.Limit}. Nothing was changed.";
                db.IngestionRuns.Add(run);
                var alerted = await alerts.EnqueueAsync(db, AlertCondition,
                    mail => EmailMessages.PeopleSyncBlocked(mail, sourceDescription, guard.Removing, guard.Total, guard.Limit, now), now, ct);
                db.Audit(actor, "people.sync-blocked", run, after: new
                {
                    source = sourceDescription, wouldDepart = guard.Removing, employed = guard.Total, guard.Limit, alertedTo = alerts.To,
                    alertQueued = alerted,
                });
                await db.SaveChangesAsync(ct);
                return (run, changes);
            }
            await WriteAsync(db, stored, changes, now, ct);
            await ReassignLeaverItems.ApplyAsync(db, changes.Departed, actor, ct);
            if (read.NextDeltaLink is { } link)
            {
                var cursor = await db.IngestionCursors.FindAsync([EntraCursor], ct);
                if (cursor is null)
                {
                    db.IngestionCursors.Add(cursor = new IngestionCursor { Name = EntraCursor });
                }
                cursor.Cursor = link;
                cursor.UpdatedAt = now;
            }
            run.Status = IngestionRunStatus.Succeeded;
            run.Stored = changes.Total;
            db.IngestionRuns.Add(run);
            db.Audit(actor, "people.synced", run, after: new
            {
                source = sourceDescription, added = changes.New.Count, moved = changes.Moved.Count, departed = changes.Departed.Count,
                returned = changes.Returned.Count, changes.Unchanged,
            });
            await db.SaveChangesAsync(ct);
            return (run, changes);
        }, cancellationToken);
    }

    /// <summary>The changed people, a chunk at a time (<see cref="ReviewPortalDbContext.SaveChunkAsync"/>).</summary>
    private static async Task WriteAsync(ReviewPortalDbContext db, Dictionary<string, DirectoryPerson> stored, PeopleChanges changes,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var chunk in changes.New.Concat(changes.Moved).Concat(changes.Departed).Concat(changes.Returned).Chunk(1_000))
        {
            foreach (var person in chunk)
            {
                if (stored.TryGetValue(person.SourceId, out var row))
                {
                    // Unless this chunk already holds it (a delta round may list someone twice).
                    if (db.Entry(row).State == EntityState.Detached)
                    {
                        db.DirectoryPeople.Attach(row);
                    }
                }
                else
                {
                    db.DirectoryPeople.Add(row = new DirectoryPerson { SourceId = person.SourceId, Email = person.Email, FullName = person.FullName });
                    stored[person.SourceId] = row;
                }
                row.Email = person.Email;
                row.FullName = person.FullName;
                row.Department = person.Department;
                row.Title = person.Title;
                row.ManagerSourceId = person.ManagerSourceId;
                row.Employed = person.Employed;
                row.LeftAt = person.Employed ? null : person.LeftAt ?? row.LeftAt ?? now;
                row.UpdatedAt = now;
            }
            await db.SaveChunkAsync(cancellationToken);
        }
    }

    /// <summary>Counts, and the first few names of each kind of change, for the Connectors page.</summary>
    private static string Details(PeopleChanges changes) => JsonSerializer.Serialize(new
    {
        added = changes.New.Count, moved = changes.Moved.Count, departed = changes.Departed.Count, returned = changes.Returned.Count,
        changes.Unchanged, departedPeople = changes.Departed.Take(20).Select(p => p.Email),
    });
}
