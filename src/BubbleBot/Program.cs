using BubbleBot.Cli;

return await CommandLine.RunAsync(args, Console.In, Console.Out, Console.Error, CancellationToken.None);
