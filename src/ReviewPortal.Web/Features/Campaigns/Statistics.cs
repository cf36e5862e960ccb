namespace ReviewPortal.Web.Features.Campaigns;

public static class Statistics
{
    /// <summary>The median, or null for no values.</summary>
    public static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>
    /// The median of <paramref name="sorted"/> (ascending) with one occurrence of <paramref name="excluded"/> left out (the
    /// subject is not its own peer), and how many values that median is over; (null, 0) when none remain. O(log n), so a
    /// launch takes each holder's median from one sorted array per entitlement.
    /// </summary>
    public static (double? Median, int Count) MedianExcluding(double[] sorted, double? excluded)
    {
        var skip = excluded is { } value ? Array.BinarySearch(sorted, value) : -1;
        var count = skip >= 0 ? sorted.Length - 1 : sorted.Length;
        if (count == 0)
        {
            return (null, 0);
        }
        // The i-th value of the array without index skip.
        double At(int i) => skip >= 0 && i >= skip ? sorted[i + 1] : sorted[i];
        var mid = count / 2;
        return (count % 2 == 1 ? At(mid) : (At(mid - 1) + At(mid)) / 2, count);
    }
}
