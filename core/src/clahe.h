// Contrast-limited adaptive histogram equalization (CLAHE) of a plane, in
// place, matching cv::createCLAHE(clip, Size(tiles_x, tiles_y)) (CV_8U for
// 8-bit samples, CV_16U for 16-bit ones; 10 and 12-bit samples are the same
// algorithm with 2^depth bins). One implementation over the sample type.
#ifndef HISTEQ_SRC_CLAHE_H_
#define HISTEQ_SRC_CLAHE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "histeq/equalizer.h"
#include "histogram.h"
#include "interpolate.h"
#include "lut.h"
#include "threads.h"
#include "tiles.h"
#include "value_tables.h"

namespace histeq {

// Holds the tile histograms, tables and geometry between frames: a stream of
// frames of one size, depth and grid allocates only on the first.
//
// Per tile: the histogram (mirrored past the edges as OpenCV), clipped at
// max(1, int(clip * tile_pixels / bins)) with the excess handed out again,
// the table of its cumulative sum, then range and strength (FinishLutSpan);
// then the plane through the tables with bilinear interpolation. With
// Range::kFull and strength 1 the result is cv::CLAHE's.
class Clahe {
 public:
  // The whole equalization of one plane.
  void Apply(const Plane& plane, const TileGrid& grid, const TableParams& tables);

  // Stage 1: counts the tiles of the plane for `grid`, and the frame's own
  // histogram into `frame_hist` (format.bins() counts) when given.
  //  - With `tables`, each tile is counted into scratch and its table made
  //    at once, for the values its 3x3 neighbourhood of tiles holds only
  //    (the ones the interpolation reads); no tile histogram is kept.
  //  - Without, 8-bit samples' tile histograms are kept (tile_histograms(),
  //    grid.tiles() x bins counts) for BuildLuts; deeper ones' are counted
  //    again there.
  void Count(const Plane& plane, const TileGrid& grid, const TableParams* tables,
             uint32_t* frame_hist);
  //    For temporal smoothing, tile_histograms() holds them at
  //    smoothing_bins() bins (grid.tiles() x smoothing_bins() counts): the
  //    whole histograms for 8-bit samples, kCoarseBins blocks of values for
  //    deeper ones (see lut.h).
  const uint32_t* tile_histograms() const {
    return format_.depth > 8 ? blocks_.data() : hists_.data();
  }
  int smoothing_bins() const { return format_.depth > 8 ? kCoarseBins : format_.bins(); }
  // Stage 2 after a Count without tables: every tile's table, from its
  // histogram, or from normalised distributions (grid.tiles() x
  // smoothing_bins() doubles, temporally averaged: for 8-bit samples
  // BuildCdfLutSmoothed's, for deeper ones the synthetic histogram's, see
  // lut.h).
  // `plane` must be the one stage 1 counted (deeper samples' tiles are
  // counted again).
  void BuildLuts(const Plane& plane, const double* distributions, const TableParams& tables);
  // Stage 3: the plane through the tables, interpolated. `plane` must be the
  // one stage 1 counted (other values come out wrong, though in range).
  void Interpolate(const Plane& plane);

  // Splits every stage over the pool's threads (none: the calling thread
  // only). The result is the same bytes whatever the number of threads.
  void SetThreadPool(ThreadPool* pool) { pool_ = pool; }
  // Gives back all the memory the state holds (the next Count starts over).
  void Release() {
    ThreadPool* pool = pool_;
    const Tables mode = tables_mode_;
    *this = Clahe();
    pool_ = pool;
    tables_mode_ = mode;
  }

  // How the tables are kept: whole tables of bins entries per tile, or by
  // value (ValueTables), both giving the same bytes. kAuto: by value where
  // ValueTables::Pays. Takes effect at the next Count.
  enum class Tables { kAuto, kWhole, kByValue };
  void SetTables(Tables t) { tables_mode_ = t; }
  bool by_value() const { return by_value_; }
  // The bytes the tables and histograms take.
  size_t bytes() const;

 private:
  void Setup(const Plane& plane, const TileGrid& grid, bool keep);
  template <typename T>
  void CountT(const Plane& plane, const TableParams* tables, uint32_t* frame_hist);
  template <typename T>
  void BuildLutsT(const Plane& plane, const double* distributions, const TableParams& tables);
  template <typename T>
  void InterpolateT(const Plane& plane);
  void CountByValue(const Plane& plane, const TableParams* tables, uint32_t* frame_hist);
  // Runs count(slot, unit_begin, unit_end, share) over `units` units of
  // tiles in `pieces` pieces; the frame's histogram (when given) is the sum
  // of the shares.
  template <typename F>
  void CountPieces(int units, int pieces, uint32_t* frame_hist, F count);
  // Runs fn(tile, slot) for every tile, split over the pool.
  template <typename F>
  void ForTiles(F fn);
  // Runs apply(band, span_begin, span_end, slot) over the interpolation's
  // regions, split over the pool.
  template <typename T, typename F>
  void ForRegions(TileInterpolator<T>& w, F apply);
  // The tables of the depth T: luts8_ or luts16_.
  template <typename T>
  std::vector<T>& Luts();
  template <typename T>
  TileInterpolator<T>& Interpolator();

  SampleFormat format_;
  TileGrid grid_;
  TileHistogrammer histogrammer_;
  TileInterpolator<uint8_t> interpolator8_;
  TileInterpolator<uint16_t> interpolator16_;
  std::vector<uint32_t> hists_;                 // kept tile histograms
  std::vector<uint8_t> luts8_;
  std::vector<uint16_t> luts16_;
  PartialHistograms partial_frame_hists_;       // one per slot of the pool
  std::vector<HistogramCounter8> counters_;     // per slot: 8-bit counts
  std::vector<ValueRange> ranges_;              // per tile: the values counted
  std::vector<std::vector<uint32_t>> scratch_;  // per slot, all zero between tiles
  std::vector<ClipSpread> spreads_;             // per tile
  std::vector<uint64_t> kept_;                  // per tile: its clipped counts
  std::vector<uint32_t> blocks_;                // per tile: kCoarseBins counts (depth > 8, kept)
  std::vector<uint32_t> synthetic_;             // per slot: a synthetic histogram
  ValueTables values_;
  Tables tables_mode_ = Tables::kAuto;
  bool by_value_ = false;
  bool recount_ = false;  // BuildLuts counts the tiles again (see Setup)
  ThreadPool* pool_ = nullptr;
};

}  // namespace histeq

#endif  // HISTEQ_SRC_CLAHE_H_
