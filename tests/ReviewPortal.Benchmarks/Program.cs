Console.WriteLine("{\"benchmarks\":[]}");
