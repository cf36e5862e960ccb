using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Features.Email;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Features.Email;

/// <summary>The outbox page's handlers: Admin only, newest first, server paging, bodies to read.</summary>
public class OutboxPageHandlerTests
{
    [Fact]
    public async Task ListAndGet_AdminSeesNewestFirstPaged_OthersSeeNothing()
    {
        await using var portal = new EmailPortalFactory();
        await portal.EnqueueAsync("t:1", "t:2", "t:3");
        var admin = new Viewer(1, "Ada", new HashSet<string> { Roles.Admin });
        var compliance = new Viewer(2, "Carl", new HashSet<string> { Roles.Compliance });
        var list = portal.GetRequiredService<ListOutboxEmails>();
        var get = portal.GetRequiredService<GetOutboxEmail>();

        Assert.Equal(RefusalKind.Forbidden, (await list.HandleAsync(compliance, null, 0, 50)).Refusal?.Kind);
        var first = (await list.HandleAsync(admin, null, 0, 2)).Value;
        var second = (await list.HandleAsync(admin, null, 1, 2)).Value;

        Assert.Equal(3, first!.Total);
        Assert.Equal(["Test t:3", "Test t:2"], first.Rows.Select(r => r.Subject).ToArray());
        Assert.Equal(["Test t:1"], second!.Rows.Select(r => r.Subject).ToArray());
        Assert.Empty((await list.HandleAsync(admin, OutboxStatus.Sent, 0, 50)).Value!.Rows);
        Assert.Equal(RefusalKind.Forbidden, (await get.HandleAsync(compliance, first.Rows[0].Id)).Refusal?.Kind);
        var detail = (await get.HandleAsync(admin, first.Rows[0].Id)).Value;
        Assert.Equal(("<p>t:3</p>", "t:3"), (detail!.HtmlBody, detail.TextBody));
    }
}
