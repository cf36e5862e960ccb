using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace ReviewPortal.Web.Features.Email;

/// <summary>What one mail says; <see cref="PortalEmail"/> and <see cref="PortalEmailText"/> lay it out.</summary>
public sealed record EmailContent
{
    public required string Subject { get; init; }
    public required string Heading { get; init; }
    public required string Greeting { get; init; }
    public IReadOnlyList<string> Paragraphs { get; init; } = [];
    public IReadOnlyList<EmailFact> Facts { get; init; } = [];
    /// <summary>Link text that says where it goes (never "click here").</summary>
    public required string LinkText { get; init; }
    public required string LinkUrl { get; init; }
    public string Footer { get; init; } = "You get this mail because you have work waiting in ReviewPortal. It is sent automatically; replies are not read.";

    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);
    public static string DateTime(DateTimeOffset at) => at.UtcDateTime.ToString("ddd d MMM yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);
    public static string Count(int n, string singular, string plural) => n == 1 ? $"1 {singular}" : $"{n} {plural}";
}

public sealed record EmailFact(string Label, string Value);

/// <summary>The finished mail: subject, HTML and its plain-text alternative.</summary>
public sealed record RenderedEmail(string Subject, string Html, string Text);

/// <summary>Renders mails with Blazor's <see cref="HtmlRenderer"/>, outside any circuit.</summary>
public sealed class EmailRenderer(IServiceProvider services, ILoggerFactory loggers)
{
    public async Task<RenderedEmail> RenderAsync(EmailContent content)
    {
        await using var renderer = new HtmlRenderer(services, loggers);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(PortalEmail.Content)] = content });
            var html = (await renderer.RenderComponentAsync<PortalEmail>(parameters)).ToHtmlString();
            // The text component emits text only; the renderer HTML-encodes it, so decode once.
            var text = WebUtility.HtmlDecode((await renderer.RenderComponentAsync<PortalEmailText>(parameters)).ToHtmlString());
            return new RenderedEmail(content.Subject, "<!DOCTYPE html>\n" + html, text);
        });
    }
}
