using Microsoft.EntityFrameworkCore;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;

namespace ReviewPortal.Web.Infrastructure.Jobs;

/// <summary>
/// "Two runs never overlap, across nodes too": a lease row in the app database, taken with a
/// conditional UPDATE (or the INSERT that creates it), so exactly one holder wins.
/// </summary>
public sealed class DatabaseLease(IDbContextFactory<ReviewPortalDbContext> contexts, TimeProvider time)
{
    public async Task<IAsyncDisposable?> TryAcquireAsync(string name, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var expires = now + ttl;
        var taken = await db.JobLeases.Where(l => l.Name == name && l.ExpiresAt < now)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, holder).SetProperty(l => l.ExpiresAt, expires), cancellationToken);
        if (taken == 0)
        {
            if (await db.JobLeases.AnyAsync(l => l.Name == name, cancellationToken))
            {
                return null;
            }
            try
            {
                db.JobLeases.Add(new JobLease { Name = name, Holder = holder, ExpiresAt = expires });
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                return null; // Another node created it first.
            }
        }
        return new Lease(contexts, name, holder);
    }

    private sealed class Lease(IDbContextFactory<ReviewPortalDbContext> contexts, string name, string holder) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using var db = await contexts.CreateDbContextAsync();
            await db.JobLeases.Where(l => l.Name == name && l.Holder == holder)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAt, DateTimeOffset.MinValue.AddYears(1)));
        }
    }
}
