# What the bench ran on, and how busy the machine was while it ran.

function Get-LoadAverage {
    if (Test-Path /proc/loadavg) { [double[]](((Get-Content /proc/loadavg -Raw) -split ' ')[0..2]) } else { $null }
}

function Get-MachineDescription([string] $RepoRoot) {
    $cpu = if (Test-Path /proc/cpuinfo) {
        (Select-String -Path /proc/cpuinfo -Pattern '^model name\s*:\s*(.+)$' | Select-Object -First 1).Matches.Groups[1].Value
    }
    else { $env:PROCESSOR_IDENTIFIER }
    $memory = if (Test-Path /proc/meminfo) {
        $kb = [double]((Select-String -Path /proc/meminfo -Pattern '^MemTotal:\s*(\d+)').Matches.Groups[1].Value)
        '{0:N1} GB' -f ($kb / 1MB)
    }
    else { 'n/a' }
    $load = Get-LoadAverage
    [pscustomobject]@{
        Cpus   = [Environment]::ProcessorCount
        Cpu    = $cpu
        Memory = $memory
        Os     = [System.Runtime.InteropServices.RuntimeInformation]::OSDescription
        Pwsh   = $PSVersionTable.PSVersion.ToString()
        Dotnet = [System.Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
        Load   = $load ? ($load -join ' ') : 'n/a'
        Commit = (git -C $RepoRoot rev-parse --short HEAD 2>$null)
        Dirty  = [bool](git -C $RepoRoot status --porcelain 2>$null)
    }
}

# The 1-minute load average sampled before each measured cell: its range goes in the report.
$script:LoadSamples = [System.Collections.Generic.List[double]]::new()
function Add-LoadSample {
    $load = Get-LoadAverage
    if ($load) { $script:LoadSamples.Add($load[0]) }
}
function Get-LoadSampleText {
    if ($script:LoadSamples.Count -eq 0) { return 'n/a' }
    $s = Get-Summary $script:LoadSamples.ToArray()
    '{0:N2}-{1:N2} (median {2:N2}, {3} samples)' -f $s.Min, $s.Max, $s.Median, $s.Count
}
