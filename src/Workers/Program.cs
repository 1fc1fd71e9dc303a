using ChuyenDoiSo.Workers.Cli;

// Every verb, `run` (the unattended host) included, starts here; see Cli/HubCommandLine.cs.
return await HubCommandLine.InvokeAsync(args);
