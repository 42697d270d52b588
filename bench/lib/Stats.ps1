# Small statistics and formatting helpers for the bench.

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $n = $sorted.Count
    if ($n -eq 0) { return [double]::NaN }
    if ($n % 2) { $sorted[($n - 1) / 2] } else { ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2 }
}

function Get-Summary([double[]] $Values) {
    # Median, min, max and count of a cell's repeated runs.
    [pscustomobject]@{
        Median = Get-Median $Values
        Min    = ($Values | Measure-Object -Minimum).Minimum
        Max    = ($Values | Measure-Object -Maximum).Maximum
        Count  = $Values.Count
    }
}

function Format-Seconds([double] $Seconds) {
    # Three significant-ish digits: 0.0123 s, 1.23 s, 52.1 s.
    if ($Seconds -lt 0.1) { '{0:N4}' -f $Seconds } elseif ($Seconds -lt 10) { '{0:N2}' -f $Seconds } else { '{0:N1}' -f $Seconds }
}

function Format-Summary([psobject] $Summary, [string] $Unit = 's') {
    # "1.68 s (1.66-1.70, n=3)"; a single run has no spread to show.
    $median = Format-Seconds $Summary.Median
    if ($Summary.Count -le 1) { return "$median $Unit (n=1)" }
    "$median $Unit ($(Format-Seconds $Summary.Min)-$(Format-Seconds $Summary.Max), n=$($Summary.Count))"
}

function Format-Duration([double] $Seconds) {
    if ($Seconds -lt 90) { '~{0:N0} s' -f $Seconds } else { '~{0:N0} min' -f ($Seconds / 60) }
}
