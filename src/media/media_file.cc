#include "media/media_file.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/pixdesc.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstring>
#include <limits>
#include <mutex>

#include "media/ffmpeg_util.h"
#include "media/synthetic_image.h"

namespace tantalio {
namespace {

using ffmpeg::AvError;
using ffmpeg::CodecPtr;
using ffmpeg::FramePtr;
using ffmpeg::PacketPtr;

// The status code for "the file has no stream of the kind asked for".
constexpr StatusCode kNoSuchStream = StatusCode::kNotFound;

constexpr int kIoBufferSize = 64 * 1024;
// Give up on a stream after this many packets in a row fail to decode.
constexpr int kMaxConsecutiveErrors = 200;

// ---------------------------------------------------------------- FFmpeg helpers

// FFmpeg logs through one process-wide callback. Messages go to the thread
// that made the call, which records the first error in the sink it installed
// (ScopedLogCapture); everything else is dropped, so nothing reaches stderr.
thread_local std::string* tls_log_sink = nullptr;

void LogToSink(void* avcl, int level, const char* fmt, va_list args) {
  if (level > AV_LOG_ERROR || tls_log_sink == nullptr || !tls_log_sink->empty()) return;
  char line[512] = {};
  int print_prefix = 0;
  av_log_format_line2(avcl, level, fmt, args, line, sizeof(line), &print_prefix);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  *tls_log_sink = text;
}

void InstallLogCallback() {
  static std::once_flag once;
  std::call_once(once, [] {
    av_log_set_level(AV_LOG_ERROR);
    av_log_set_callback(&LogToSink);
  });
}

class ScopedLogCapture {
 public:
  explicit ScopedLogCapture(std::string* sink) : previous_(tls_log_sink) { tls_log_sink = sink; }
  ~ScopedLogCapture() { tls_log_sink = previous_; }
  ScopedLogCapture(const ScopedLogCapture&) = delete;
  ScopedLogCapture& operator=(const ScopedLogCapture&) = delete;

 private:
  std::string* previous_;
};

struct FormatCloser {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
struct AvioFree {
  void operator()(AVIOContext* io) const {
    av_freep(&io->buffer);
    avio_context_free(&io);
  }
};
struct SwrFree {
  void operator()(SwrContext* s) const { swr_free(&s); }
};

std::string PixelFormatName(int format) {
  const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(format));
  return name != nullptr ? name : "pixel format " + std::to_string(format);
}

std::string Tag(const AVDictionary* tags, const char* key) {
  const AVDictionaryEntry* e = av_dict_get(tags, key, nullptr, 0);
  return e != nullptr && e->value != nullptr ? e->value : "";
}

std::string FirstTag(const AVDictionary* tags, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    std::string value = Tag(tags, key);
    if (!value.empty()) return value;
  }
  return "";
}

// Display rotation in degrees clockwise, snapped to 0/90/180/270.
int StreamRotation(const AVStream* stream) {
  size_t size = 0;
  const uint8_t* matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (matrix == nullptr || size < 9 * sizeof(int32_t)) return 0;
  const double angle = av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
  if (std::isnan(angle)) return 0;
  const long snapped = std::lround(-angle / 90.0) * 90;
  return static_cast<int>(((snapped % 360) + 360) % 360);
}

// Opens a single-threaded decoder for `stream`: the skip_frame toggle then
// applies to exactly the packet being sent, and the scan parallelises across
// files instead.
Result<CodecPtr> OpenDecoder(const AVStream* stream, const std::string& where) {
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  if (codec == nullptr) {
    return UnsupportedError(where + ": no decoder for codec " +
                            avcodec_get_name(stream->codecpar->codec_id));
  }
  CodecPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) return ResourceExhaustedError(where + ": cannot allocate a decoder");
  int err = avcodec_parameters_to_context(ctx.get(), stream->codecpar);
  if (err < 0) return CorruptError(where + ": bad codec parameters: " + AvError(err));
  ctx->pkt_timebase = stream->time_base;
  ctx->thread_count = 1;
  err = avcodec_open2(ctx.get(), codec, nullptr);
  if (err < 0) return CorruptError(where + ": open " + codec->name + " decoder: " + AvError(err));
  return ctx;
}

}  // namespace

// ---------------------------------------------------------------- MediaFile::State

struct MediaFile::State {
  std::string name;  // for messages
  std::unique_ptr<MediaInput> input;
  uint64_t position = 0;
  std::unique_ptr<AVIOContext, AvioFree> avio;  // outlives `format`
  std::unique_ptr<AVFormatContext, FormatCloser> format;
  MediaInfo info;
  int video_index = -1;
  int audio_index = -1;
  bool read_any = false;  // packets consumed: the next pass must rewind

  Status OpenContainer();
  Status Probe();
  Status Rewind();

  static int Read(void* opaque, uint8_t* buffer, int size);
  static int64_t Seek(void* opaque, int64_t offset, int whence);
  // Demuxers that would open other files by name (playlists, concat) are refused.
  static int RefuseOpen(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
    return AVERROR(EPERM);
  }
};

int MediaFile::State::Read(void* opaque, uint8_t* buffer, int size) {
  auto* self = static_cast<State*>(opaque);
  Result<size_t> n = self->input->ReadAt(
      self->position, std::span<uint8_t>(buffer, static_cast<size_t>(std::max(size, 0))));
  if (!n.ok()) return AVERROR(EIO);
  if (*n == 0) return AVERROR_EOF;
  self->position += *n;
  return static_cast<int>(*n);
}

int64_t MediaFile::State::Seek(void* opaque, int64_t offset, int whence) {
  auto* self = static_cast<State*>(opaque);
  const auto size = static_cast<int64_t>(self->input->Size());
  if (whence & AVSEEK_SIZE) return size;
  int64_t target = 0;
  switch (whence & ~AVSEEK_FORCE) {
    case SEEK_SET:
      target = offset;
      break;
    case SEEK_CUR:
      target = static_cast<int64_t>(self->position) + offset;
      break;
    case SEEK_END:
      target = size + offset;
      break;
    default:
      return AVERROR(EINVAL);
  }
  if (target < 0) return AVERROR(EINVAL);
  self->position = static_cast<uint64_t>(target);
  return target;
}

Status MediaFile::State::OpenContainer() {
  auto* buffer = static_cast<uint8_t*>(av_malloc(kIoBufferSize));
  if (buffer == nullptr) return ResourceExhaustedError("open media " + name + ": out of memory");
  AVIOContext* io = avio_alloc_context(buffer, kIoBufferSize, 0, this, &Read, nullptr, &Seek);
  if (io == nullptr) {
    av_free(buffer);
    return ResourceExhaustedError("open media " + name + ": out of memory");
  }
  avio.reset(io);
  AVFormatContext* fmt = avformat_alloc_context();
  if (fmt == nullptr) return ResourceExhaustedError("open media " + name + ": out of memory");
  fmt->pb = io;
  fmt->flags |= AVFMT_FLAG_CUSTOM_IO;
  fmt->io_open = &RefuseOpen;
  std::string first_error;
  ScopedLogCapture capture(&first_error);
  int err = avformat_open_input(&fmt, name.c_str(), nullptr, nullptr);  // frees fmt on failure
  if (err < 0) {
    return InvalidArgumentError("open media " + name + ": no known container (" + AvError(err) +
                                (first_error.empty() ? "" : "; " + first_error) + ")");
  }
  format.reset(fmt);
  err = avformat_find_stream_info(fmt, nullptr);
  if (err < 0) {
    return InvalidArgumentError("open media " + name +
                                ": cannot read stream info: " + AvError(err));
  }
  return Status::Ok();
}

Status MediaFile::State::Probe() {
  const AVFormatContext* fmt = format.get();
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    const AVStream* st = fmt->streams[i];
    const AVMediaType type = st->codecpar->codec_type;
    if (type == AVMEDIA_TYPE_VIDEO && video_index < 0 &&
        (st->disposition & AV_DISPOSITION_ATTACHED_PIC) == 0) {
      video_index = static_cast<int>(i);
    } else if (type == AVMEDIA_TYPE_AUDIO && audio_index < 0) {
      audio_index = static_cast<int>(i);
    }
  }
  if (video_index < 0 && audio_index < 0) {
    return InvalidArgumentError("open media " + name + ": container " + fmt->iformat->name +
                                " holds no audio or video stream");
  }
  info.container = fmt->iformat->name;
  if (fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0) {
    info.duration_seconds = static_cast<double>(fmt->duration) / AV_TIME_BASE;
  }
  info.bit_rate = std::max<int64_t>(fmt->bit_rate, 0);
  info.creation_time = Tag(fmt->metadata, "creation_time");
  info.make = FirstTag(fmt->metadata, {"make", "com.apple.quicktime.make"});
  info.model = FirstTag(fmt->metadata, {"model", "com.apple.quicktime.model"});
  info.location = FirstTag(fmt->metadata, {"location", "com.apple.quicktime.location.ISO6709"});
  if (video_index >= 0) {
    const AVStream* st = fmt->streams[video_index];
    if (info.creation_time.empty()) info.creation_time = Tag(st->metadata, "creation_time");
    info.has_video = true;
    info.video_codec = avcodec_get_name(st->codecpar->codec_id);
    info.width = st->codecpar->width;
    info.height = st->codecpar->height;
    AVRational rate = st->avg_frame_rate;
    if (rate.num <= 0 || rate.den <= 0) rate = st->r_frame_rate;
    if (rate.num > 0 && rate.den > 0) info.frame_rate = av_q2d(rate);
    info.frame_count = std::max<int64_t>(st->nb_frames, 0);
    info.rotation = StreamRotation(st);
    if (info.duration_seconds == 0 && st->duration != AV_NOPTS_VALUE && st->duration > 0) {
      info.duration_seconds = static_cast<double>(st->duration) * av_q2d(st->time_base);
    }
  }
  if (audio_index >= 0) {
    const AVStream* st = fmt->streams[audio_index];
    info.has_audio = true;
    info.audio_codec = avcodec_get_name(st->codecpar->codec_id);
    info.sample_rate = st->codecpar->sample_rate;
    info.channels = st->codecpar->ch_layout.nb_channels;
  }
  // A stream whose codec this FFmpeg cannot decode is still described; its
  // decoding fails with kUnsupported (OpenDecoder), the other stream goes on.
  return Status::Ok();
}

Status MediaFile::State::Rewind() {
  if (!read_any) return Status::Ok();
  AVFormatContext* fmt = format.get();
  const int64_t start = fmt->start_time != AV_NOPTS_VALUE ? fmt->start_time : 0;
  int err = av_seek_frame(fmt, -1, start, AVSEEK_FLAG_BACKWARD);
  if (err < 0) err = av_seek_frame(fmt, -1, 0, AVSEEK_FLAG_BYTE);
  if (err < 0) return IoError("rewind media " + name + ": " + AvError(err));
  read_any = false;
  return Status::Ok();
}

// ---------------------------------------------------------------- video

namespace {

// One ForEachVideoFrame pass. Frame numbers come either from the decoder's
// output order (sequential, as the reference vPDQ hasher counts) or, in seek
// mode, from each frame's timestamp, which stays right across seeks.
class VideoScan {
 public:
  VideoScan(AVFormatContext* format, int stream_index, double frame_rate,
            const VideoSampling& sampling, const std::function<bool(const VideoFrame&)>& deliver,
            DecodeReport* report, std::string name)
      : format_(format),
        stream_(format->streams[stream_index]),
        stream_index_(stream_index),
        frame_rate_(frame_rate),
        sampling_(sampling),
        deliver_(deliver),
        report_(report),
        name_(std::move(name)),
        started_(std::chrono::steady_clock::now()) {}

  Status Run();

 private:
  enum class Step { kContinue, kStop, kReseek };

  Status Setup();
  bool TimeIsUp();
  void MaybeSeek();
  bool SeekTo(int64_t keyframe_timestamp, int64_t seek_timestamp);
  void ReseekEarlier();
  void NotePacket(const AVPacket& packet);
  void LoadIndex();
  void CheckComplete();
  bool ChooseSkip(const AVPacket& packet);
  bool SeekComesNext(int64_t number, const AVPacket& packet) const;
  bool PastLastTarget() const;
  Step SendAndDrain(const AVPacket* packet);
  Step HandleFrame(const AVFrame& frame);
  int64_t FrameNumber(const AVFrame& frame);
  bool Convert(const AVFrame& frame);
  int64_t TimestampOf(int64_t frame_number) const;
  void Warn(const std::string& what);

  AVFormatContext* format_;
  AVStream* stream_;
  int stream_index_;
  double frame_rate_;
  const VideoSampling& sampling_;
  const std::function<bool(const VideoFrame&)>& deliver_;
  DecodeReport* report_;
  std::string name_;
  std::chrono::steady_clock::time_point started_;
  std::string log_error_;

  CodecPtr codec_;
  FramePtr frame_;
  FramePtr rgb_;
  ffmpeg::SwsPtr sws_;
  int64_t frame_mod_ = 1;
  bool by_timestamp_ = false;  // seek mode with a known frame rate
  int64_t start_pts_ = AV_NOPTS_VALUE;
  int64_t next_target_ = 0;
  int64_t decode_position_ = AV_NOPTS_VALUE;  // highest dts (else pts) sent
  int64_t last_seek_to_ = AV_NOPTS_VALUE;
  // How far a keyframe's pts lies after its index timestamp (its dts in
  // MP4), in stream time base: the slack for finding the keyframe at or
  // before a target's pts.
  int64_t keyframe_offset_ = 0;
  int64_t packets_end_ = AV_NOPTS_VALUE;  // highest pts + duration read
  bool just_seeked_ = false;              // the next frame out checks the seek landed early enough
  bool must_seek_ = false;                // the decoder was drained: seek before reading on
  int64_t overshot_keyframe_ = AV_NOPTS_VALUE;  // never seek to this one or earlier again
  int consecutive_errors_ = 0;
  int64_t sequential_number_ = 0;
  bool stopped_by_caller_ = false;
};

void VideoScan::Warn(const std::string& what) {
  report_->partial = true;
  if (!report_->warning.empty()) return;
  report_->warning = what;
  if (!log_error_.empty()) report_->warning += " (" + log_error_ + ")";
}

Status VideoScan::Setup() {
  if (sampling_.resize_to < 0 || sampling_.resize_to > 16384) {
    return InvalidArgumentError("decode video " + name_ + ": resize_to " +
                                std::to_string(sampling_.resize_to) + " is out of range");
  }
  TANTALIO_ASSIGN_OR_RETURN(codec_, OpenDecoder(stream_, "decode video " + name_ + " stream " +
                                                             std::to_string(stream_index_)));
  frame_.reset(av_frame_alloc());
  rgb_.reset(av_frame_alloc());
  if (!frame_ || !rgb_) return ResourceExhaustedError("decode video " + name_ + ": out of memory");
  const double frame_mod = sampling_.seconds_per_hash * frame_rate_;  // vPDQ truncates
  frame_mod_ = frame_mod >= 1 ? static_cast<int64_t>(std::min(frame_mod, 1e12)) : 1;
  by_timestamp_ = sampling_.seek && frame_rate_ > 0;
  if (stream_->start_time != AV_NOPTS_VALUE) start_pts_ = stream_->start_time;
  return Status::Ok();
}

bool VideoScan::TimeIsUp() {
  if (sampling_.time_limit_seconds <= 0) return false;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started_;
  if (elapsed.count() < sampling_.time_limit_seconds) return false;
  report_->time_limit_hit = true;
  Warn("decode video " + name_ + ": time limit of " + std::to_string(sampling_.time_limit_seconds) +
       " s reached after " + std::to_string(report_->seconds_decoded) + " s of video");
  return true;
}

int64_t VideoScan::TimestampOf(int64_t frame_number) const {
  const double seconds = static_cast<double>(frame_number) / frame_rate_;
  const int64_t start = start_pts_ != AV_NOPTS_VALUE ? start_pts_ : 0;
  return start + std::llround(seconds / av_q2d(stream_->time_base));
}

// Seeks to the keyframe before the next target when that keyframe lies ahead
// of what has been sent to the decoder (otherwise decoding on is cheaper).
void VideoScan::MaybeSeek() {
  if (!by_timestamp_ || (decode_position_ == AV_NOPTS_VALUE && !must_seek_)) return;
  const bool forced = std::exchange(must_seek_, false);
  const int64_t search = TimestampOf(next_target_) - keyframe_offset_;
  const int index = av_index_search_timestamp(stream_, search, AVSEEK_FLAG_BACKWARD);
  if (index < 0) return;
  const AVIndexEntry* entry = avformat_index_get_entry(stream_, index);
  if (entry == nullptr || (!forced && entry->timestamp <= decode_position_)) return;
  if (entry->timestamp == last_seek_to_) return;
  if (overshot_keyframe_ != AV_NOPTS_VALUE && entry->timestamp <= overshot_keyframe_) return;
  // Demuxers take a seek timestamp as the target's pts (MP4 maps it back to
  // its dts-based index itself) and land on the keyframe at or before it.
  if (!SeekTo(entry->timestamp, TimestampOf(next_target_)) && forced) {
    Warn("decode video " + name_ + ": cannot seek to the keyframe at " +
         std::to_string(static_cast<double>(entry->timestamp) * av_q2d(stream_->time_base)) +
         " s; the frames decoded after it may be damaged");
  }
}

bool VideoScan::SeekTo(int64_t keyframe_timestamp, int64_t seek_timestamp) {
  last_seek_to_ = keyframe_timestamp;
  if (av_seek_frame(format_, stream_index_, seek_timestamp, AVSEEK_FLAG_BACKWARD) < 0) {
    return false;
  }
  avcodec_flush_buffers(codec_.get());
  decode_position_ = AV_NOPTS_VALUE;
  just_seeked_ = true;
  return true;
}

// A seek landed past the next target (the keyframe offset was larger than
// seen so far): go back one more keyframe, or to the start.
void VideoScan::ReseekEarlier() {
  overshot_keyframe_ = last_seek_to_;
  const double frame_ticks = 1.0 / frame_rate_ / av_q2d(stream_->time_base);
  keyframe_offset_ = std::max(2 * keyframe_offset_, static_cast<int64_t>(std::ceil(frame_ticks)));
  const int index = av_index_search_timestamp(stream_, last_seek_to_ - 1, AVSEEK_FLAG_BACKWARD);
  const AVIndexEntry* entry = index >= 0 ? avformat_index_get_entry(stream_, index) : nullptr;
  const int64_t start = stream_->start_time != AV_NOPTS_VALUE ? stream_->start_time : 0;
  const int64_t to = entry != nullptr ? entry->timestamp : std::min(start, last_seek_to_ - 1);
  (void)SeekTo(to, to);
  just_seeked_ = false;  // from here on, decode forward whatever comes
}

void VideoScan::NotePacket(const AVPacket& packet) {
  if (packet.pts != AV_NOPTS_VALUE) {
    const int64_t end = packet.pts + std::max<int64_t>(packet.duration, 0);
    packets_end_ = packets_end_ == AV_NOPTS_VALUE ? end : std::max(packets_end_, end);
  }
  const int64_t position = packet.dts != AV_NOPTS_VALUE ? packet.dts : packet.pts;
  if (position != AV_NOPTS_VALUE) {
    decode_position_ =
        decode_position_ == AV_NOPTS_VALUE ? position : std::max(decode_position_, position);
  }
  if ((packet.flags & AV_PKT_FLAG_KEY) && packet.pts != AV_NOPTS_VALUE &&
      packet.dts != AV_NOPTS_VALUE) {
    keyframe_offset_ = std::max(keyframe_offset_, packet.pts - packet.dts);
  }
}

// Skips non-reference frames that are not targets. Reference frames always
// decode, so the targets' pixels match a full decode. Returns true for a
// keyframe that is the next target and after which decoding will seek ahead
// anyway: the caller drains the decoder at once instead of feeding it the
// frames that follow only to push the keyframe out of its reorder buffer.
bool VideoScan::ChooseSkip(const AVPacket& packet) {
  if (!by_timestamp_) return false;
  bool target = true;
  int64_t number = -1;
  if (packet.pts != AV_NOPTS_VALUE && start_pts_ != AV_NOPTS_VALUE) {
    const double seconds =
        static_cast<double>(packet.pts - start_pts_) * av_q2d(stream_->time_base);
    number = std::llround(seconds * frame_rate_);
    target = number >= next_target_ && number % frame_mod_ == 0;
  }
  codec_->skip_frame = target ? AVDISCARD_DEFAULT : AVDISCARD_NONREF;
  return target && number == next_target_ && (packet.flags & AV_PKT_FLAG_KEY) &&
         SeekComesNext(number, packet);
}

// Whether, once frame `number` (in `packet`) is hashed, the keyframe before
// the target after it lies past this packet, so that MaybeSeek will seek.
bool VideoScan::SeekComesNext(int64_t number, const AVPacket& packet) const {
  if (packet.dts == AV_NOPTS_VALUE) return false;
  const int64_t after = (number / frame_mod_ + 1) * frame_mod_;
  const int index = av_index_search_timestamp(stream_, TimestampOf(after) - keyframe_offset_,
                                              AVSEEK_FLAG_BACKWARD);
  const AVIndexEntry* entry = index >= 0 ? avformat_index_get_entry(stream_, index) : nullptr;
  return entry != nullptr && entry->timestamp > packet.dts &&
         (overshot_keyframe_ == AV_NOPTS_VALUE || entry->timestamp > overshot_keyframe_);
}

// True when the next frame to hash lies past the end the container declares:
// nothing left to decode.
bool VideoScan::PastLastTarget() const {
  if (!by_timestamp_ || stream_->duration == AV_NOPTS_VALUE || stream_->duration <= 0) {
    return false;
  }
  const int64_t start = stream_->start_time != AV_NOPTS_VALUE ? stream_->start_time : 0;
  return TimestampOf(next_target_) >= start + stream_->duration;
}

int64_t VideoScan::FrameNumber(const AVFrame& frame) {
  const int64_t sequential = sequential_number_++;
  if (!by_timestamp_) return sequential;
  const int64_t pts = frame.best_effort_timestamp;
  if (pts == AV_NOPTS_VALUE) return std::max(sequential, next_target_);
  if (start_pts_ == AV_NOPTS_VALUE) start_pts_ = pts;
  const double seconds = static_cast<double>(pts - start_pts_) * av_q2d(stream_->time_base);
  return std::llround(seconds * frame_rate_);
}

// Scales `frame` to RGB24 into rgb_, allocated by av_frame_get_buffer so
// that swscale's padded writes stay inside the buffer.
bool VideoScan::Convert(const AVFrame& frame) {
  if (frame.width <= 0 || frame.height <= 0 || frame.format < 0) {
    Warn("decode video " + name_ + ": a frame has no picture");
    return false;
  }
  const int width = sampling_.resize_to > 0 ? sampling_.resize_to : frame.width;
  const int height = sampling_.resize_to > 0 ? sampling_.resize_to : frame.height;
  sws_.reset(sws_getCachedContext(sws_.release(), frame.width, frame.height,
                                  static_cast<AVPixelFormat>(frame.format), width, height,
                                  AV_PIX_FMT_RGB24, SWS_AREA, nullptr, nullptr, nullptr));
  if (!sws_) {
    Warn("decode video " + name_ + ": cannot convert " + std::to_string(frame.width) + "x" +
         std::to_string(frame.height) + " " + PixelFormatName(frame.format) + " to RGB");
    return false;
  }
  if (rgb_->width != width || rgb_->height != height || rgb_->buf[0] == nullptr) {
    av_frame_unref(rgb_.get());
    rgb_->format = AV_PIX_FMT_RGB24;
    rgb_->width = width;
    rgb_->height = height;
    if (av_frame_get_buffer(rgb_.get(), 0) < 0) {
      Warn("decode video " + name_ + ": out of memory for a " + std::to_string(width) + "x" +
           std::to_string(height) + " frame");
      return false;
    }
  }
  sws_scale(sws_.get(), frame.data, frame.linesize, 0, frame.height, rgb_->data, rgb_->linesize);
  return true;
}

VideoScan::Step VideoScan::HandleFrame(const AVFrame& frame) {
  ++report_->frames_decoded;
  const int64_t number = FrameNumber(frame);
  if (frame_rate_ > 0) report_->seconds_decoded = static_cast<double>(number) / frame_rate_;
  if (just_seeked_) {
    just_seeked_ = false;
    if (number > next_target_) return Step::kReseek;
  }
  // By timestamp, the first frame at or after the target counts, so a frame
  // missing from a variable-rate stream does not lose its sample.
  const bool wanted = by_timestamp_ ? number >= next_target_ : number % frame_mod_ == 0;
  if (!wanted) return Step::kContinue;
  if (by_timestamp_) next_target_ = (number / frame_mod_ + 1) * frame_mod_;
  if (!Convert(frame)) return Step::kContinue;
  VideoFrame out;
  out.frame_number = number;
  out.timestamp_seconds = frame_rate_ > 0 ? static_cast<double>(number) / frame_rate_
                                          : static_cast<double>(frame.best_effort_timestamp) *
                                                av_q2d(stream_->time_base);
  out.width = rgb_->width;
  out.height = rgb_->height;
  out.rgb = rgb_->data[0];
  out.stride = static_cast<size_t>(rgb_->linesize[0]);
  out.keyframe = frame.key_frame != 0;
  ++report_->frames_delivered;
  if (deliver_(out)) return Step::kContinue;
  stopped_by_caller_ = true;
  return Step::kStop;
}

// Sends `packet` (nullptr: flush) and hands every frame that comes out to
// HandleFrame. Decode errors are warnings: the stream goes on.
VideoScan::Step VideoScan::SendAndDrain(const AVPacket* packet) {
  int err = avcodec_send_packet(codec_.get(), packet);
  if (err < 0 && err != AVERROR_EOF && err != AVERROR(EAGAIN)) {
    const double at = packet != nullptr && packet->pts != AV_NOPTS_VALUE
                          ? static_cast<double>(packet->pts) * av_q2d(stream_->time_base)
                          : report_->seconds_decoded;
    Warn("decode video " + name_ + " stream " + std::to_string(stream_index_) + " at " +
         std::to_string(at) + " s: " + AvError(err));
    if (++consecutive_errors_ > kMaxConsecutiveErrors) return Step::kStop;
    return Step::kContinue;
  }
  consecutive_errors_ = 0;
  while (true) {
    err = avcodec_receive_frame(codec_.get(), frame_.get());
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return Step::kContinue;
    if (err < 0) {
      Warn("decode video " + name_ + " stream " + std::to_string(stream_index_) + " after " +
           std::to_string(report_->seconds_decoded) + " s: " + AvError(err));
      return Step::kContinue;
    }
    const Step step = HandleFrame(*frame_);
    av_frame_unref(frame_.get());
    if (step != Step::kContinue) return step;
  }
}

// Matroska reads its keyframe index (cues) only on the first seek; seeking
// to the start before reading loads it, so MaybeSeek can see keyframes ahead.
void VideoScan::LoadIndex() {
  if (!by_timestamp_ || avformat_index_get_entries_count(stream_) > 1) return;
  if (std::string_view(format_->iformat->name).find("matroska") == std::string_view::npos) return;
  const int64_t start = stream_->start_time != AV_NOPTS_VALUE ? stream_->start_time : 0;
  (void)av_seek_frame(format_, stream_index_, start, AVSEEK_FLAG_BACKWARD);
}

// At the end of the data: a stream that stops well before the duration its
// container declares was cut short (a truncated copy, a partial download).
void VideoScan::CheckComplete() {
  if (stream_->duration == AV_NOPTS_VALUE || stream_->duration <= 0 ||
      packets_end_ == AV_NOPTS_VALUE) {
    return;
  }
  const double tb = av_q2d(stream_->time_base);
  const int64_t start = stream_->start_time != AV_NOPTS_VALUE ? stream_->start_time : 0;
  const double declared = static_cast<double>(stream_->duration) * tb;
  const double reached = static_cast<double>(packets_end_ - start) * tb;
  const double slack = std::max(0.5, frame_rate_ > 0 ? 2 / frame_rate_ : 0.0);
  if (reached + slack >= declared) return;
  Warn("read video " + name_ + ": the data ends at " + std::to_string(reached) + " s of the " +
       std::to_string(declared) + " s the container declares (truncated?)");
}

Status VideoScan::Run() {
  TANTALIO_RETURN_IF_ERROR(Setup());
  LoadIndex();
  ScopedLogCapture capture(&log_error_);
  PacketPtr packet(av_packet_alloc());
  if (!packet) return ResourceExhaustedError("decode video " + name_ + ": out of memory");
  while (!TimeIsUp() && !PastLastTarget()) {
    MaybeSeek();
    const int err = av_read_frame(format_, packet.get());
    if (err == AVERROR_EOF) {
      CheckComplete();
      break;
    }
    if (err < 0) {
      Warn("read video " + name_ + " after " + std::to_string(report_->seconds_decoded) +
           " s: " + AvError(err));
      break;
    }
    if (packet->stream_index != stream_index_) {
      av_packet_unref(packet.get());
      continue;
    }
    if (packet->flags & AV_PKT_FLAG_CORRUPT) {
      Warn("read video " + name_ + ": corrupt packet at byte " + std::to_string(packet->pos));
    }
    NotePacket(*packet);
    const bool drain = ChooseSkip(*packet);
    const int64_t awaited = next_target_;
    Step step = SendAndDrain(packet.get());
    av_packet_unref(packet.get());
    if (drain && step == Step::kContinue && next_target_ == awaited) {
      step = SendAndDrain(nullptr);  // the keyframe comes out now
      avcodec_flush_buffers(codec_.get());
      must_seek_ = true;
    }
    if (step == Step::kStop) break;
    if (step == Step::kReseek) ReseekEarlier();
  }
  if (!stopped_by_caller_ && !report_->time_limit_hit) {
    codec_->skip_frame = AVDISCARD_DEFAULT;
    (void)SendAndDrain(nullptr);
  }
  if (report_->frames_decoded == 0 && report_->partial && !report_->time_limit_hit) {
    return CorruptError(report_->warning.empty() ? "decode video " + name_ + ": no frame decodes"
                                                 : report_->warning);
  }
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------- audio

namespace {

// One DecodeAudio pass: decode, resample to s16 interleaved, hand out chunks.
class AudioScan {
 public:
  AudioScan(AVFormatContext* format, int stream_index, int sample_rate, int channels,
            double max_seconds, const std::function<bool(std::span<const int16_t>)>& samples,
            DecodeReport* report, std::string name)
      : format_(format),
        stream_(format->streams[stream_index]),
        stream_index_(stream_index),
        sample_rate_(sample_rate),
        channels_(channels),
        max_samples_(max_seconds > 0 ? static_cast<int64_t>(max_seconds * sample_rate) : -1),
        samples_(samples),
        report_(report),
        name_(std::move(name)) {}

  Status Run();

 private:
  bool SendAndDrain(const AVPacket* packet);  // false: stop
  bool Resample(const AVFrame* frame);        // nullptr flushes the resampler
  Status ConfigureResampler(const AVFrame& frame);
  bool Emit(int count);
  void Warn(const std::string& what);

  AVFormatContext* format_;
  AVStream* stream_;
  int stream_index_;
  int sample_rate_;
  int channels_;
  int64_t max_samples_;
  const std::function<bool(std::span<const int16_t>)>& samples_;
  DecodeReport* report_;
  std::string name_;
  std::string log_error_;

  CodecPtr codec_;
  FramePtr frame_;
  std::unique_ptr<SwrContext, SwrFree> swr_;
  int in_format_ = -1;
  int in_rate_ = 0;
  AVChannelLayout in_layout_ = {};
  std::vector<int16_t> buffer_;
  int64_t emitted_ = 0;
  bool done_ = false;
  int consecutive_errors_ = 0;
};

void AudioScan::Warn(const std::string& what) {
  report_->partial = true;
  if (!report_->warning.empty()) return;
  report_->warning = what;
  if (!log_error_.empty()) report_->warning += " (" + log_error_ + ")";
}

Status AudioScan::ConfigureResampler(const AVFrame& frame) {
  AVChannelLayout in = {};
  if (frame.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || frame.ch_layout.nb_channels <= 0) {
    av_channel_layout_default(&in, std::max(frame.ch_layout.nb_channels, 1));
  } else if (av_channel_layout_copy(&in, &frame.ch_layout) < 0) {
    return ResourceExhaustedError("decode audio " + name_ + ": out of memory");
  }
  if (swr_ && frame.format == in_format_ && frame.sample_rate == in_rate_ &&
      av_channel_layout_compare(&in, &in_layout_) == 0) {
    av_channel_layout_uninit(&in);
    return Status::Ok();
  }
  AVChannelLayout out = {};
  av_channel_layout_default(&out, channels_);
  SwrContext* swr = nullptr;
  int err =
      swr_alloc_set_opts2(&swr, &out, AV_SAMPLE_FMT_S16, sample_rate_, &in,
                          static_cast<AVSampleFormat>(frame.format), frame.sample_rate, 0, nullptr);
  av_channel_layout_uninit(&out);
  if (err >= 0) err = swr_init(swr);
  swr_.reset(swr);
  av_channel_layout_uninit(&in_layout_);
  in_layout_ = in;
  in_format_ = frame.format;
  in_rate_ = frame.sample_rate;
  if (err < 0) {
    swr_.reset();
    return UnsupportedError("decode audio " + name_ + ": cannot resample " +
                            std::to_string(frame.sample_rate) + " Hz " +
                            std::to_string(in.nb_channels) + " channels: " + AvError(err));
  }
  return Status::Ok();
}

// Hands out `count` converted samples per channel from buffer_, cut at the limit.
bool AudioScan::Emit(int count) {
  int64_t n = count;
  if (max_samples_ >= 0) n = std::min(n, max_samples_ - emitted_);
  if (n > 0) {
    emitted_ += n;
    report_->seconds_decoded = static_cast<double>(emitted_) / sample_rate_;
    if (!samples_(std::span<const int16_t>(buffer_.data(), static_cast<size_t>(n) * channels_))) {
      done_ = true;
    }
  }
  if (max_samples_ >= 0 && emitted_ >= max_samples_) done_ = true;
  return !done_;
}

bool AudioScan::Resample(const AVFrame* frame) {
  if (frame != nullptr) {
    const Status status = ConfigureResampler(*frame);
    if (!status.ok()) {
      Warn(status.message());
      return false;
    }
  }
  if (!swr_) return true;
  const int in_count = frame != nullptr ? frame->nb_samples : 0;
  const int capacity = swr_get_out_samples(swr_.get(), in_count) + 32;
  if (capacity <= 0) return true;
  buffer_.resize(static_cast<size_t>(capacity) * channels_);
  uint8_t* out[1] = {reinterpret_cast<uint8_t*>(buffer_.data())};
  const int n = swr_convert(
      swr_.get(), out, capacity,
      frame != nullptr ? const_cast<const uint8_t**>(frame->extended_data) : nullptr, in_count);
  if (n < 0) {
    Warn("resample audio " + name_ + ": " + AvError(n));
    return false;
  }
  return Emit(n);
}

bool AudioScan::SendAndDrain(const AVPacket* packet) {
  int err = avcodec_send_packet(codec_.get(), packet);
  if (err < 0 && err != AVERROR_EOF && err != AVERROR(EAGAIN)) {
    Warn("decode audio " + name_ + " stream " + std::to_string(stream_index_) + " after " +
         std::to_string(report_->seconds_decoded) + " s: " + AvError(err));
    return ++consecutive_errors_ <= kMaxConsecutiveErrors;
  }
  consecutive_errors_ = 0;
  while (true) {
    err = avcodec_receive_frame(codec_.get(), frame_.get());
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return true;
    if (err < 0) {
      Warn("decode audio " + name_ + " after " + std::to_string(report_->seconds_decoded) +
           " s: " + AvError(err));
      return true;
    }
    const bool more = Resample(frame_.get());
    av_frame_unref(frame_.get());
    if (!more) return false;
  }
}

Status AudioScan::Run() {
  if (sample_rate_ <= 0 || sample_rate_ > 768000 || channels_ <= 0 || channels_ > 64) {
    return InvalidArgumentError("decode audio " + name_ + ": bad output format " +
                                std::to_string(sample_rate_) + " Hz, " + std::to_string(channels_) +
                                " channels");
  }
  TANTALIO_ASSIGN_OR_RETURN(codec_, OpenDecoder(stream_, "decode audio " + name_ + " stream " +
                                                             std::to_string(stream_index_)));
  frame_.reset(av_frame_alloc());
  PacketPtr packet(av_packet_alloc());
  if (!frame_ || !packet)
    return ResourceExhaustedError("decode audio " + name_ + ": out of memory");
  ScopedLogCapture capture(&log_error_);
  bool more = true;
  while (more) {
    const int err = av_read_frame(format_, packet.get());
    if (err == AVERROR_EOF) break;
    if (err < 0) {
      Warn("read audio " + name_ + " after " + std::to_string(report_->seconds_decoded) +
           " s: " + AvError(err));
      break;
    }
    if (packet->stream_index == stream_index_) more = SendAndDrain(packet.get());
    av_packet_unref(packet.get());
  }
  if (!done_ && SendAndDrain(nullptr)) (void)Resample(nullptr);
  av_channel_layout_uninit(&in_layout_);
  if (emitted_ == 0 && report_->partial) return CorruptError(report_->warning);
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------- MediaFile

MediaFile::MediaFile(std::unique_ptr<State> state) : state_(std::move(state)) {}
MediaFile::~MediaFile() = default;

Result<std::unique_ptr<MediaFile>> MediaFile::Open(std::unique_ptr<MediaInput> input,
                                                   std::string_view name_hint) {
  InstallLogCallback();
  const std::string name = name_hint.empty() ? std::string("(media)") : std::string(name_hint);
  if (!input) return InvalidArgumentError("open media " + name + ": no input");
  if (input->Size() == 0) return InvalidArgumentError("open media " + name + ": empty file");
  auto state = std::make_unique<State>();
  state->name = name;
  state->input = std::move(input);
  TANTALIO_RETURN_IF_ERROR(state->OpenContainer());
  TANTALIO_RETURN_IF_ERROR(state->Probe());
  return std::unique_ptr<MediaFile>(new MediaFile(std::move(state)));
}

const MediaInfo& MediaFile::info() const { return state_->info; }

Status MediaFile::ForEachVideoFrame(const VideoSampling& sampling,
                                    const std::function<bool(const VideoFrame&)>& frame,
                                    DecodeReport* report) {
  DecodeReport local;
  if (report == nullptr) report = &local;
  *report = DecodeReport();
  State& s = *state_;
  if (s.video_index < 0) {
    return Status(kNoSuchStream, "decode video " + s.name + ": the file has no video stream");
  }
  TANTALIO_RETURN_IF_ERROR(s.Rewind());
  s.read_any = true;
  VideoScan scan(s.format.get(), s.video_index, s.info.frame_rate, sampling, frame, report, s.name);
  return scan.Run();
}

Status MediaFile::DecodeAudio(int sample_rate, int channels, double max_seconds,
                              const std::function<bool(std::span<const int16_t>)>& samples,
                              DecodeReport* report) {
  DecodeReport local;
  if (report == nullptr) report = &local;
  *report = DecodeReport();
  State& s = *state_;
  if (s.audio_index < 0) {
    return Status(kNoSuchStream, "decode audio " + s.name + ": the file has no audio stream");
  }
  TANTALIO_RETURN_IF_ERROR(s.Rewind());
  s.read_any = true;
  AudioScan scan(s.format.get(), s.audio_index, sample_rate, channels, max_seconds, samples, report,
                 s.name);
  return scan.Run();
}

// ---------------------------------------------------------------- thumbnails, versions

Result<std::vector<uint8_t>> EncodeThumbnail(const VideoFrame& frame, int max_side) {
  if (max_side <= 0) return InvalidArgumentError("thumbnail: max_side must be positive");
  if (frame.rgb == nullptr || frame.width <= 0 || frame.height <= 0 ||
      frame.stride < static_cast<size_t>(frame.width) * 3) {
    return InvalidArgumentError("thumbnail: empty frame");
  }
  const int longest = std::max(frame.width, frame.height);
  const double scale = longest > max_side ? static_cast<double>(max_side) / longest : 1.0;
  const int width = std::max(1, static_cast<int>(std::lround(frame.width * scale)));
  const int height = std::max(1, static_cast<int>(std::lround(frame.height * scale)));
  ffmpeg::SwsPtr sws(sws_getContext(frame.width, frame.height, AV_PIX_FMT_RGB24, width, height,
                                    AV_PIX_FMT_RGB24, SWS_AREA, nullptr, nullptr, nullptr));
  FramePtr scaled(av_frame_alloc());
  if (!sws || !scaled) return InternalError("thumbnail: cannot set up scaling");
  scaled->format = AV_PIX_FMT_RGB24;
  scaled->width = width;
  scaled->height = height;
  if (av_frame_get_buffer(scaled.get(), 0) < 0) {
    return ResourceExhaustedError("thumbnail: out of memory");
  }
  const uint8_t* src[4] = {frame.rgb, nullptr, nullptr, nullptr};
  const int src_stride[4] = {static_cast<int>(frame.stride), 0, 0, 0};
  sws_scale(sws.get(), src, src_stride, 0, frame.height, scaled->data, scaled->linesize);
  RgbImage image;
  image.width = width;
  image.height = height;
  image.pixels.resize(static_cast<size_t>(width) * height * 3);
  for (int y = 0; y < height; ++y) {
    std::memcpy(&image.pixels[static_cast<size_t>(y) * width * 3],
                scaled->data[0] + static_cast<ptrdiff_t>(y) * scaled->linesize[0],
                static_cast<size_t>(width) * 3);
  }
  return EncodeJpeg(image, 85);
}

const std::string& FfmpegVersions() {
  static const std::string versions = [] {
    auto format = [](const char* name, unsigned v) {
      return std::string(name) + " " + std::to_string(AV_VERSION_MAJOR(v)) + "." +
             std::to_string(AV_VERSION_MINOR(v)) + "." + std::to_string(AV_VERSION_MICRO(v));
    };
    return format("libavformat", avformat_version()) + ", " +
           format("libavcodec", avcodec_version()) + ", " + format("libavutil", avutil_version()) +
           ", " + format("libswscale", swscale_version()) + ", " +
           format("libswresample", swresample_version());
  }();
  return versions;
}

}  // namespace tantalio
