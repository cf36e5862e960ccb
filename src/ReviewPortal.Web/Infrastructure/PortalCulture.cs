using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace ReviewPortal.Web.Infrastructure;

/// <summary>
/// One culture for every request and circuit: English words, dates as ISO 8601 (2026-12-07, as every table shows them
/// through <c>Humanize.Date</c>) and weeks starting on Monday, whatever the server's or the browser's locale. Without
/// it a date picker followed the server's default culture and showed 12/07/2026 beside 2026-12-07.
/// </summary>
public static class PortalCulture
{
    public static readonly CultureInfo Culture = Create();

    private static CultureInfo Create()
    {
        var culture = (CultureInfo)CultureInfo.GetCultureInfo("en-US").Clone();
        culture.DateTimeFormat.ShortDatePattern = "yyyy-MM-dd";
        culture.DateTimeFormat.FirstDayOfWeek = DayOfWeek.Monday;
        return CultureInfo.ReadOnly(culture);
    }

    /// <summary>Every request (and so every circuit, which takes the culture of the request that opened it) in <see cref="Culture"/>.</summary>
    public static IApplicationBuilder UsePortalCulture(this IApplicationBuilder app) =>
        app.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Culture),
            SupportedCultures = [Culture],
            SupportedUICultures = [Culture],
            RequestCultureProviders = [],
        });
}
