import Foundation
import XCTest

@testable import SplineSeg

/// A model written by the real exporter (tools/splineseg_train/modelio.write_model) rather than by
/// the test helpers: UNet(d=1, b=2, f=2), I = 8, p = 1, golden.py's generator (seed 5), window
/// [0, 255] + pad-square preprocessing, a made-up `training` record. Expected coefficients and
/// native values (6 x 5 slice) are PyTorch's (model in eval mode, predict.native_values).
final class ExportedModelTests: XCTestCase {
    static let spec = #"""
{
 "format": "splineseg-model/1",
 "name": "tiny",
 "architecture": "unet-implicit",
 "input": 8,
 "coefficients": 4,
 "degree": 1,
 "depth": 1,
 "bottleneck": 2,
 "filters": 2,
 "preprocessing": {
  "raw_values": "slice values as float64 after the file's own scaling (NIfTI: scl_slope/scl_inter applied; PNG: 8-bit gray 0..255). NIfTI volumes are sliced [:, :, k]; row index = first array axis, column = second.",
  "intensity": "window",
  "geometry": "pad-square",
  "arithmetic": "float64, network input cast to float32",
  "resize": "bilinear, align_corners: out i samples x = i*(n_in-1)/(n_out-1), x0 = floor(x), x1 = min(x0+1, n_in-1), w = x-x0, (1-w)*v[x0] + w*v[x1]; separable (rows, then columns)",
  "mask_threshold": 0.0,
  "mask_rule": "foreground where F > 0 (F = 0 is background)",
  "window": {
   "lo": 0.0,
   "hi": 255.0,
   "formula": "clip((x - lo) / (hi - lo), 0, 1)"
  },
  "pad_square": {
   "size": "S = max(H, W)",
   "top": "(S - H) // 2",
   "left": "(S - W) // 2",
   "odd_pixel": "bottom / right",
   "pad_value": 0.0,
   "then": "bilinear resize S x S -> I x I",
   "inverse": "native pixel (r, c) -> square (r + top, c + left); spline parameter s = (O - p) * (r + top) / (S - 1), likewise for columns"
  },
  "parameters": {
   "input": 8,
   "intensity": "window",
   "window": [
    0.0,
    255.0
   ],
   "std_floor": 1e-06,
   "geometry": "pad-square"
  }
 },
 "weights": "tiny.safetensors",
 "sha256": "335c1361c812d2a99c664bb2498facafd756a613c84050986b19fd504ff8c142",
 "training": {
  "dataset": "none",
  "epochs": 0,
  "nested": {
   "a": [
    1,
    2.5,
    null,
    true
   ]
  }
 }
}
"""#

    static let safetensorsBase64 = [
        "QA0AAAAAAAB7Il9fbWV0YWRhdGFfXyI6eyJmb3JtYXQiOiJzcGxpbmVzZWctbW9kZWwvMSIsIm5hbWUiOiJ0aW55In0sImRlY29k",
        "ZXIuMC5jb252MS5ibi5iaWFzIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbMCw4XX0sImRlY29k",
        "ZXIuMC5jb252MS5ibi5ydW5uaW5nX21lYW4iOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls4LDE2",
        "XX0sImRlY29kZXIuMC5jb252MS5ibi5ydW5uaW5nX3ZhciI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0",
        "cyI6WzE2LDI0XX0sImRlY29kZXIuMC5jb252MS5ibi53ZWlnaHQiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzJdLCJkYXRhX29m",
        "ZnNldHMiOlsyNCwzMl19LCJkZWNvZGVyLjAuY29udjEuY29udi5iaWFzIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsyXSwiZGF0",
        "YV9vZmZzZXRzIjpbMzIsNDBdfSwiZGVjb2Rlci4wLmNvbnYxLmNvbnYud2VpZ2h0Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsy",
        "LDQsMywzXSwiZGF0YV9vZmZzZXRzIjpbNDAsMzI4XX0sImRlY29kZXIuMC5jb252Mi5ibi5iaWFzIjp7ImR0eXBlIjoiRjMyIiwi",
        "c2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbMzI4LDMzNl19LCJkZWNvZGVyLjAuY29udjIuYm4ucnVubmluZ19tZWFuIjp7ImR0",
        "eXBlIjoiRjMyIiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbMzM2LDM0NF19LCJkZWNvZGVyLjAuY29udjIuYm4ucnVubmlu",
        "Z192YXIiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOlszNDQsMzUyXX0sImRlY29kZXIuMC5jb252",
        "Mi5ibi53ZWlnaHQiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOlszNTIsMzYwXX0sImRlY29kZXIu",
        "MC5jb252Mi5jb252LmJpYXMiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOlszNjAsMzY4XX0sImRl",
        "Y29kZXIuMC5jb252Mi5jb252LndlaWdodCI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMiwyLDMsM10sImRhdGFfb2Zmc2V0cyI6",
        "WzM2OCw1MTJdfSwiZGVjb2Rlci4wLnVwY29udi5iaWFzIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRz",
        "IjpbNTEyLDUyMF19LCJkZWNvZGVyLjAudXBjb252LndlaWdodCI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbNCwyLDIsMl0sImRh",
        "dGFfb2Zmc2V0cyI6WzUyMCw2NDhdfSwiZW5jb2Rlci4wLmNvbnYxLmJuLmJpYXMiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzJd",
        "LCJkYXRhX29mZnNldHMiOls2NDgsNjU2XX0sImVuY29kZXIuMC5jb252MS5ibi5ydW5uaW5nX21lYW4iOnsiZHR5cGUiOiJGMzIi",
        "LCJzaGFwZSI6WzJdLCJkYXRhX29mZnNldHMiOls2NTYsNjY0XX0sImVuY29kZXIuMC5jb252MS5ibi5ydW5uaW5nX3ZhciI6eyJk",
        "dHlwZSI6IkYzMiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzY2NCw2NzJdfSwiZW5jb2Rlci4wLmNvbnYxLmJuLndlaWdo",
        "dCI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzY3Miw2ODBdfSwiZW5jb2Rlci4wLmNvbnYxLmNv",
        "bnYuYmlhcyI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6WzY4MCw2ODhdfSwiZW5jb2Rlci4wLmNv",
        "bnYxLmNvbnYud2VpZ2h0Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsyLDEsMywzXSwiZGF0YV9vZmZzZXRzIjpbNjg4LDc2MF19",
        "LCJlbmNvZGVyLjAuY29udjIuYm4uYmlhcyI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMl0sImRhdGFfb2Zmc2V0cyI6Wzc2MCw3",
        "NjhdfSwiZW5jb2Rlci4wLmNvbnYyLmJuLnJ1bm5pbmdfbWVhbiI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMl0sImRhdGFfb2Zm",
        "c2V0cyI6Wzc2OCw3NzZdfSwiZW5jb2Rlci4wLmNvbnYyLmJuLnJ1bm5pbmdfdmFyIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOlsy",
        "XSwiZGF0YV9vZmZzZXRzIjpbNzc2LDc4NF19LCJlbmNvZGVyLjAuY29udjIuYm4ud2VpZ2h0Ijp7ImR0eXBlIjoiRjMyIiwic2hh",
        "cGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbNzg0LDc5Ml19LCJlbmNvZGVyLjAuY29udjIuY29udi5iaWFzIjp7ImR0eXBlIjoiRjMy",
        "Iiwic2hhcGUiOlsyXSwiZGF0YV9vZmZzZXRzIjpbNzkyLDgwMF19LCJlbmNvZGVyLjAuY29udjIuY29udi53ZWlnaHQiOnsiZHR5",
        "cGUiOiJGMzIiLCJzaGFwZSI6WzIsMiwzLDNdLCJkYXRhX29mZnNldHMiOls4MDAsOTQ0XX0sImVuY29kZXIuMS5jb252MS5ibi5i",
        "aWFzIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOls0XSwiZGF0YV9vZmZzZXRzIjpbOTQ0LDk2MF19LCJlbmNvZGVyLjEuY29udjEu",
        "Ym4ucnVubmluZ19tZWFuIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOls0XSwiZGF0YV9vZmZzZXRzIjpbOTYwLDk3Nl19LCJlbmNv",
        "ZGVyLjEuY29udjEuYm4ucnVubmluZ192YXIiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzRdLCJkYXRhX29mZnNldHMiOls5NzYs",
        "OTkyXX0sImVuY29kZXIuMS5jb252MS5ibi53ZWlnaHQiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzRdLCJkYXRhX29mZnNldHMi",
        "Ols5OTIsMTAwOF19LCJlbmNvZGVyLjEuY29udjEuY29udi5iaWFzIjp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOls0XSwiZGF0YV9v",
        "ZmZzZXRzIjpbMTAwOCwxMDI0XX0sImVuY29kZXIuMS5jb252MS5jb252LndlaWdodCI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpb",
        "NCwyLDMsM10sImRhdGFfb2Zmc2V0cyI6WzEwMjQsMTMxMl19LCJlbmNvZGVyLjEuY29udjIuYm4uYmlhcyI6eyJkdHlwZSI6IkYz",
        "MiIsInNoYXBlIjpbNF0sImRhdGFfb2Zmc2V0cyI6WzEzMTIsMTMyOF19LCJlbmNvZGVyLjEuY29udjIuYm4ucnVubmluZ19tZWFu",
        "Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOls0XSwiZGF0YV9vZmZzZXRzIjpbMTMyOCwxMzQ0XX0sImVuY29kZXIuMS5jb252Mi5i",
        "bi5ydW5uaW5nX3ZhciI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbNF0sImRhdGFfb2Zmc2V0cyI6WzEzNDQsMTM2MF19LCJlbmNv",
        "ZGVyLjEuY29udjIuYm4ud2VpZ2h0Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOls0XSwiZGF0YV9vZmZzZXRzIjpbMTM2MCwxMzc2",
        "XX0sImVuY29kZXIuMS5jb252Mi5jb252LmJpYXMiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzRdLCJkYXRhX29mZnNldHMiOlsx",
        "Mzc2LDEzOTJdfSwiZW5jb2Rlci4xLmNvbnYyLmNvbnYud2VpZ2h0Ijp7ImR0eXBlIjoiRjMyIiwic2hhcGUiOls0LDQsMywzXSwi",
        "ZGF0YV9vZmZzZXRzIjpbMTM5MiwxOTY4XX0sImhlYWQuYmlhcyI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMV0sImRhdGFfb2Zm",
        "c2V0cyI6WzE5NjgsMTk3Ml19LCJoZWFkLndlaWdodCI6eyJkdHlwZSI6IkYzMiIsInNoYXBlIjpbMSwyLDEsMV0sImRhdGFfb2Zm",
        "c2V0cyI6WzE5NzIsMTk4MF19fSAgICAgIGSO9r3doTC9aZ+CPrOUrr4DYiU/KHKqP4UpkD/PMaY/zeRevR+9MD33fb8+jkl8Phnx",
        "8j0YUEu+43RQvhzatL4c53k+8ZKhPks3Tb347f89jESzPTF3rD7bdRK9TSRNvkQJyT5MUsm++liOvo43Jz7Wjvc90r2TPrHfGb4m",
        "5pu+vHHsPBjxxL7Z84Q9mEkOPkzJPb4p+EC+b+yZvd6x9z2j6aM9DIMxvqUayb5WRUW+UgmPvunImL7ovww+MeqPvkREzDul0UY+",
        "26SUvilnlb2edYS+X7s4vtKJ/r0cpqE+hf3lvRStxL6H476+HzYcvlw68z1MXZm8Dsu5PnLigL4kj8e+yRy9Ph2Qmb4SaAW+AtnH",
        "Pkj1ij4PWKY+k1O9va9rbT18Qno+5ewVPmfQnz5P5Y28ftigPpJ6BD5TZKy+P0+jvhh3Jr6bLSO+0i8+u9bABb5AbJi+a70ZP6kg",
        "qD/hwGY/yvR5P7Q92zxdmq29NIypPpPhpb4qAKO9DdODvmKdpj5WOny+Q3ECvwwaAj+osMG+q+GQvje8Vz4DbPw+YJ7yuyyd2r1J",
        "5Ey+FNHrvpPAl759q3Y+yoJAPTzEqbzDEBK/JIQTP36oqb7m0I++SB7FvcycDb2aDu+9FOKrvrdYRj47Bl0+itL7Pvz9k74kwue9",
        "l+QOv+9j5b7aJto8+Y2bPM9kjb3yMJQ/hfeUvzAfRb9ZFte9R7SlvnLEcb+gVFm+KRNQPuSlj7+acOg+5ZWOPu39m742y3q9zC+t",
        "vpvOJr4CsM0+7D9Sv3+ZWz+lL4+9350yv+S3jL2oQFO+ijo+vhoBIb+ip0K/eY6QP8p6Cr/FY7E+hBoIv22Tir92h3I/uaI1vvsJ",
        "A74C3hk+NBywvtC5WT5WyPM/zt0uP8NnHT9BZb4/I12MvS6yErxDWD2+tvPSPth6376ifie/dXICv9ukR77u/Eo/jIKUPFT59b3E",
        "+Cw+L6GlvQ/gF789dBw/HiqevacTPj8Ogzc/fmoKP5NCgr0Y+Do8q19JPjHRjD2ANzY+G++hPwLBJT9Fpzo/UGFEP90sdj1Y9ds7",
        "3vpDvS6Iyz411Ya+1qG0vughDT/+tAC+6ScLPwLNdj4Texa+gXh2vRsC374LThO/MlIJPZtrGD5sFyG9fr9/vtwlMz6F55o+vByo",
        "vjypDT85qtK+CxrMvV0BBr0JiQG/0OwLvlFXnz4UJ/Q+2rm4vSlB5711mFU+BBHePvKlg74Qgdo+6g5avkWLPr4JoBO/t5YvvvLt",
        "xT2saMU99FA7vk+tKD3fNQG+XdyDvpszXL0tiD0/i7ZHP6UP9j9burg//CQrP6/Phj9Z/Gw/VO9NP29VEj2l9r29RLrnO/xyML2d",
        "0T89500Tv7V62L4fgK++2oTRPSo7nb3ytQM/DZrEvqgpm743jQe/3DEAP+nJ5L5GvZ89mlUBP0RE270TVg0/l28HPjRb7L3Vhcg+",
        "ABUDvj37Dz8nBSu+Un6VvoMAvr4dyPA+MuD0PsBSjr222Ta9cPzQPmY6Fb52jac+BYBtvCBTzD4Kxy++5AASvx85P74jgHA+kQnu",
        "PnzaDr/qI2G+OPN9PshBCb7iVQw/NLETPx3oDbvt3Gq8qmmUvZnqZz2X4wm+E4UIP2FFEL9vxKa9I0jZvAAQCT7omiM96+f2Pp5c",
        "9r7g2WA+haKWPnbYVL6XrAu/KSTQPpU86T6ehHi+u4auPhKTkT74Vwg/RnbYPicnUb70aBC/lw23vQ8f3b4TJ5C94gM1vCWj5b0U",
        "KCO+9uyUvN0JDDygXoI+dG/KvnvQ2T9Dziw/a+gRP+DB4T8PXpU/NbiYP6lunT/Q8J8/rVuHvQzMO71Gab08UheKPe/zoz4PsIC+",
        "GMuuPpIVpr4EmaS92rMiPLWpDD6JgDc+86YnPnS1gD7KxwQ+TqqjPseFurxyhmC+dIVVPrEH7T3tlps+1PCrPqkeZz6L+fm98i27",
        "PFadv74tIXA+U6jfPQbeeD2cwPY9u+gBvsrWAz41EYM+c3uRPjTvH7sb316+gyCbvcj8Wr5Q4gU+3QHFPkZq1LxbC5Y+Q3a3PT9E",
        "VT46C6i+VzebPrascr2Iyb6+ylv7vOKaiL6O7Vs+CacDvuAkrz7vzuy9AgfLPgrsyD5xYmq+wvtMvRYjAj3zyr+6A9CJPhEFWL7R",
        "z/k9m/yUPuUXk72cvsw+QnJqvZNuXj7gy8G+1uOrPbusaj76EBs87yUVPg/oiT7M4Mw9pV69vmAEpT3ZO5E+dUehPqh0eD5m2ic9",
        "NPmGPvv0FT6uu3G9sRi/PhwZmD1w7jQ+MNFaPtVhbr5aqRm+3JukvVYQoL7F2Xi+WA7APtKdk74Nbdm8TPOdvqhHtr5VW3A9xSSM",
        "PrvGmL4ArqY+M9mUPWxtab2LpTK+CP5RPRSnfr3fiBY+QP+WPrFjo74z6EA9qqXOvcaqxj3+9BE+tJC7vY83rb7CTFe+xJgpPowy",
        "uT0QZaQ+ccSNPSimb71T85s+k9htvi9xKT5On3A+XigAPq9rF7yK+ts98hy/voOx87375ri+pMORPp+Esj6GYKw+jjy3vh8IsL2L",
        "CZE+WSIjPqVvTD7TJcM9lX2BvrWndzzm84u+HwmgvcafwL7RkTC+cs0nPrX0tr1FEmO/gRk1vw==",
    ].joined()

    static let raw: [Float] = [
        0.0, 9.0, 18.0, 27.0, 36.0, 45.0,
        54.0, 63.0, 72.0, 81.0, 90.0, 99.0,
        108.0, 117.0, 126.0, 135.0, 144.0, 153.0,
        162.0, 171.0, 180.0, 189.0, 198.0, 207.0,
        216.0, 225.0, 234.0, 243.0, 252.0, 5.0,
    ]
    static let coefficients: [Float] = [
        -0.1613747626543045, -0.21816831827163696, -0.0893339291214943, -0.0893339291214943, -0.0893339291214943, -0.1444474458694458,
        -0.6276167035102844, -0.0893339291214943, -0.5952069759368896, -0.22848138213157654, -0.3646843433380127, -0.0893339291214943,
        -0.3860447406768799, -0.29101991653442383, -0.4025554060935974, -0.31379711627960205,
    ]
    static let values: [Float] = [
        -0.1613747626543045, -0.19545090198516846, -0.1924014389514923, -0.11510080844163895, -0.0893339291214943, -0.1181502640247345,
        -0.15162158012390137, -0.22160935401916504, -0.3646300435066223, -0.2831157147884369, -0.19050854444503784, -0.1729559600353241,
        -0.24400943517684937, -0.49227502942085266, -0.38075169920921326, -0.4940323531627655, -0.3246177136898041, -0.2527938485145569,
        -0.37615156173706055, -0.28609606623649597, -0.5115420818328857, -0.3567149043083191, -0.2787639796733856, -0.3545655608177185,
        -0.29954734444618225, -0.3860447406768799, -0.3290298581123352, -0.31332701444625854, -0.3802483081817627, -0.3670520782470703,
    ]

    func testLoadsAndMatchesPyTorch() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("splineseg-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(Self.spec.utf8).write(to: dir.appendingPathComponent("tiny.json"))
        try XCTUnwrap(Data(base64Encoded: Self.safetensorsBase64)).write(to: dir.appendingPathComponent("tiny.safetensors"))
        let model = try SplineSegModel.load(specPath: dir.appendingPathComponent("tiny.json").path)
        XCTAssertEqual(model.spec.name, "tiny")
        XCTAssertEqual(model.spec.weights, "tiny.safetensors")
        XCTAssertEqual(model.spec.preprocessing.parameters.window, [0, 255])
        guard case .object(let training)? = model.spec.training else { return XCTFail("training record lost") }
        XCTAssertEqual(training["nested"], .object(["a": .array([.number(1), .number(2.5), .null, .bool(true)])]))
        let seg = try Segmenter(model: model).segment(pixels: Self.raw, width: 5, height: 6)
        let dc = maxDiff(seg.coefficients, Self.coefficients), dv = maxDiff(seg.values, Self.values)
        print("exported model: coefficients relative diff \(dc.diff / dc.ref), values relative diff \(dv.diff / dv.ref)")
        XCTAssertLessThanOrEqual(dc.diff / dc.ref, 1e-5)
        XCTAssertLessThanOrEqual(dv.diff / dv.ref, 1e-5)
        XCTAssertEqual(seg.mask, Self.values.map { $0 > 0 ? 1 : 0 })
    }

    /// The spec round-trips through Codable (opaque `training` included).
    func testSpecRoundTrip() throws {
        let spec = try ModelSpec.decode(json: Array(Self.spec.utf8))
        let again = try ModelSpec.decode(json: Array(try JSONEncoder().encode(spec)))
        XCTAssertEqual(spec, again)
    }
}
