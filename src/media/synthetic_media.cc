#include "media/synthetic_media.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <numbers>
#include <string_view>

#include "media/ffmpeg_util.h"
#include "media/synthetic_image.h"

namespace tantalio {
namespace {

using ffmpeg::AvError;
using ffmpeg::CodecPtr;
using ffmpeg::FramePtr;
using ffmpeg::PacketPtr;
using ffmpeg::SwsPtr;

// Every generated file says it was made at this time, so tests can check
// that the container tag is read.
constexpr char kCreationTime[] = "2017-05-04T10:00:00.000000Z";
constexpr double kNoteSeconds = 0.25;

struct OutputFree {
  void operator()(AVFormatContext* oc) const {
    if (oc->pb != nullptr && (oc->oformat->flags & AVFMT_NOFILE) == 0) avio_closep(&oc->pb);
    avformat_free_context(oc);
  }
};
using OutputPtr = std::unique_ptr<AVFormatContext, OutputFree>;

uint64_t Mix(uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The audio signal at content time `t`: 0.25 s notes whose pitch (3 octaves
// of semitones), rests and noise bursts are drawn from (seed, note index), so
// any 5 s window (20 notes) is unique.
double AudioSignal(uint64_t seed, double t) {
  const auto note = static_cast<int64_t>(std::floor(t / kNoteSeconds));
  const uint64_t h = Mix(seed ^ Mix(static_cast<uint64_t>(note)));
  const double local = t - static_cast<double>(note) * kNoteSeconds;
  const double envelope = std::min({1.0, local / 0.01, (kNoteSeconds - local) / 0.02});
  switch (h & 7) {
    case 0: {  // a noise burst
      const uint64_t n = Mix(h ^ static_cast<uint64_t>(std::llround(t * 48000)));
      return envelope * 0.3 * (static_cast<double>(n >> 11) / 4503599627370496.0 - 1.0);
    }
    case 1:  // a rest
      return 0;
    default: {
      const double frequency = 220.0 * std::exp2(static_cast<double>((h >> 8) % 36) / 12.0);
      const double phase = 2 * std::numbers::pi * frequency * local;
      return envelope * (0.35 * std::sin(phase) + 0.1 * std::sin(2 * phase));
    }
  }
}

// Writes `value` (-1..1) as sample `index` of channel `channel` in `frame`.
bool PutSample(AVFrame* frame, int index, int channel, double value) {
  const int channels = frame->ch_layout.nb_channels;
  const double v = std::clamp(value, -1.0, 1.0);
  const auto i = static_cast<size_t>(index);
  const auto interleaved = i * channels + channel;
  switch (frame->format) {
    case AV_SAMPLE_FMT_S16:
      reinterpret_cast<int16_t*>(frame->data[0])[interleaved] = static_cast<int16_t>(v * 32767);
      return true;
    case AV_SAMPLE_FMT_S16P:
      reinterpret_cast<int16_t*>(frame->extended_data[channel])[i] =
          static_cast<int16_t>(v * 32767);
      return true;
    case AV_SAMPLE_FMT_S32:
      reinterpret_cast<int32_t*>(frame->data[0])[interleaved] =
          static_cast<int32_t>(v * 2147483647.0);
      return true;
    case AV_SAMPLE_FMT_S32P:
      reinterpret_cast<int32_t*>(frame->extended_data[channel])[i] =
          static_cast<int32_t>(v * 2147483647.0);
      return true;
    case AV_SAMPLE_FMT_FLT:
      reinterpret_cast<float*>(frame->data[0])[interleaved] = static_cast<float>(v);
      return true;
    case AV_SAMPLE_FMT_FLTP:
      reinterpret_cast<float*>(frame->extended_data[channel])[i] = static_cast<float>(v);
      return true;
    default:
      return false;
  }
}

// One encoder feeding one stream of an output file.
class StreamEncoder {
 public:
  // Opens `codec` after `configure` set it up, and adds its stream to `out`.
  Status Open(AVFormatContext* out, const AVCodec* codec,
              const std::function<void(AVCodecContext*)>& configure) {
    out_ = out;
    what_ = std::string("encode ") + codec->name;
    ctx_.reset(avcodec_alloc_context3(codec));
    packet_.reset(av_packet_alloc());
    if (!ctx_ || !packet_) return ResourceExhaustedError(what_ + ": out of memory");
    configure(ctx_.get());
    if (out->oformat->flags & AVFMT_GLOBALHEADER) ctx_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    int err = avcodec_open2(ctx_.get(), codec, nullptr);
    if (err < 0) return InvalidArgumentError(what_ + ": open encoder: " + AvError(err));
    stream_ = avformat_new_stream(out, nullptr);
    if (stream_ == nullptr) return ResourceExhaustedError(what_ + ": cannot add a stream");
    stream_->time_base = ctx_->time_base;
    if (ctx_->codec_type == AVMEDIA_TYPE_VIDEO) stream_->avg_frame_rate = ctx_->framerate;
    err = avcodec_parameters_from_context(stream_->codecpar, ctx_.get());
    if (err < 0) return InternalError(what_ + ": stream parameters: " + AvError(err));
    return Status::Ok();
  }

  AVCodecContext* codec() const { return ctx_.get(); }

  // Encodes `frame` (nullptr: flush) and muxes every packet that comes out.
  Status Write(const AVFrame* frame) {
    int err = avcodec_send_frame(ctx_.get(), frame);
    if (err < 0 && err != AVERROR_EOF) return InternalError(what_ + ": " + AvError(err));
    while (true) {
      err = avcodec_receive_packet(ctx_.get(), packet_.get());
      if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return Status::Ok();
      if (err < 0) return InternalError(what_ + ": " + AvError(err));
      av_packet_rescale_ts(packet_.get(), ctx_->time_base, stream_->time_base);
      packet_->stream_index = stream_->index;
      err = av_interleaved_write_frame(out_, packet_.get());
      if (err < 0) return IoError(what_ + ": write packet: " + AvError(err));
    }
  }

 private:
  AVFormatContext* out_ = nullptr;
  AVStream* stream_ = nullptr;
  CodecPtr ctx_;
  PacketPtr packet_;
  std::string what_;
};

// The generated audio track: AudioSignal from `start_seconds` on.
class ToneTrack {
 public:
  Status Open(AVFormatContext* out, const std::string& codec_name, uint64_t seed, int sample_rate,
              int channels, double start_seconds) {
    const AVCodec* codec = avcodec_find_encoder_by_name(codec_name.c_str());
    if (codec == nullptr) return UnsupportedError("no audio encoder " + codec_name);
    seed_ = seed;
    start_ = start_seconds;
    rate_ = SupportedRate(codec, sample_rate);
    TANTALIO_RETURN_IF_ERROR(encoder_.Open(out, codec, [&](AVCodecContext* c) {
      c->sample_rate = rate_;
      c->sample_fmt = codec->sample_fmts != nullptr ? codec->sample_fmts[0] : AV_SAMPLE_FMT_S16;
      av_channel_layout_default(&c->ch_layout, channels);
      c->time_base = AVRational{1, rate_};
      c->bit_rate = 96000;
    }));
    const AVCodecContext* c = encoder_.codec();
    frame_size_ = c->frame_size > 0 ? c->frame_size : 1024;
    frame_.reset(av_frame_alloc());
    if (!frame_) return ResourceExhaustedError("encode audio: out of memory");
    frame_->format = c->sample_fmt;
    frame_->nb_samples = frame_size_;
    frame_->sample_rate = rate_;
    if (av_channel_layout_copy(&frame_->ch_layout, &c->ch_layout) < 0 ||
        av_frame_get_buffer(frame_.get(), 0) < 0) {
      return ResourceExhaustedError("encode audio: out of memory");
    }
    return Status::Ok();
  }

  // Encodes whole frames while they end by `seconds`; with `last`, a short
  // final frame ends the audio exactly there (encoders take one short frame,
  // at the end only).
  Status EncodeUntil(double seconds, bool last) {
    const auto target = static_cast<int64_t>(std::llround(seconds * rate_));
    while (written_ < target) {
      const int count = static_cast<int>(std::min<int64_t>(frame_size_, target - written_));
      if (count < frame_size_ && !last) break;
      if (av_frame_make_writable(frame_.get()) < 0) return ResourceExhaustedError("encode audio");
      frame_->nb_samples = count;
      frame_->pts = written_;
      for (int i = 0; i < count; ++i) {
        const double t = start_ + static_cast<double>(written_ + i) / rate_;
        const double value = AudioSignal(seed_, t);
        for (int ch = 0; ch < frame_->ch_layout.nb_channels; ++ch) {
          if (!PutSample(frame_.get(), i, ch, value)) {
            return UnsupportedError(
                "encode audio: unhandled sample format " +
                std::string(av_get_sample_fmt_name(static_cast<AVSampleFormat>(frame_->format))));
          }
        }
      }
      TANTALIO_RETURN_IF_ERROR(encoder_.Write(frame_.get()));
      written_ += count;
    }
    return Status::Ok();
  }

  Status Finish() { return encoder_.Write(nullptr); }

 private:
  // `wanted` if the encoder takes it, else the closest rate it does.
  static int SupportedRate(const AVCodec* codec, int wanted) {
    if (codec->supported_samplerates == nullptr) return wanted;
    int best = codec->supported_samplerates[0];
    for (const int* r = codec->supported_samplerates; *r != 0; ++r) {
      if (std::abs(*r - wanted) < std::abs(best - wanted)) best = *r;
    }
    return best;
  }

  StreamEncoder encoder_;
  FramePtr frame_;
  uint64_t seed_ = 0;
  double start_ = 0;
  int rate_ = 0;
  int frame_size_ = 0;
  int64_t written_ = 0;
};

// The picture at a content time: a pattern per scene (cached) with a small
// disc that moves with time. Positions are fractions of the frame, so every
// size shows the same picture.
class PictureSource {
 public:
  explicit PictureSource(const SyntheticVideoSpec& spec) : spec_(spec) {}

  void Draw(double t, AVFrame* rgb) {
    const double scene_seconds = spec_.scene_seconds > 0 ? spec_.scene_seconds : 1e9;
    const auto scene = static_cast<int64_t>(std::floor(t / scene_seconds));
    if (scene != scene_ || base_.pixels.empty()) {
      scene_ = scene;
      base_ = GeneratePattern(spec_.width, spec_.height,
                              Mix(spec_.seed ^ Mix(static_cast<uint64_t>(scene))));
    }
    const size_t row_bytes = static_cast<size_t>(spec_.width) * 3;
    for (int y = 0; y < spec_.height; ++y) {
      std::memcpy(rgb->data[0] + static_cast<ptrdiff_t>(y) * rgb->linesize[0],
                  &base_.pixels[y * row_bytes], row_bytes);
    }
    DrawDisc(t, scene_seconds, rgb);
  }

 private:
  void DrawDisc(double t, double scene_seconds, AVFrame* rgb) const {
    const double w = spec_.width;
    const double h = spec_.height;
    const double progress = t / scene_seconds - std::floor(t / scene_seconds);
    const double cx = w * (0.3 + 0.2 * progress);
    const double cy = h * (0.5 + 0.1 * std::sin(2 * std::numbers::pi * t / 3));
    const double r = 0.07 * std::min(w, h);
    const uint64_t colour = Mix(spec_.seed + 77);
    for (int y = std::max(0, static_cast<int>(cy - r)); y < std::min(spec_.height, int(cy + r) + 1);
         ++y) {
      uint8_t* row = rgb->data[0] + static_cast<ptrdiff_t>(y) * rgb->linesize[0];
      for (int x = std::max(0, static_cast<int>(cx - r));
           x < std::min(spec_.width, int(cx + r) + 1); ++x) {
        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) >= r * r) continue;
        row[x * 3] = static_cast<uint8_t>(colour);
        row[x * 3 + 1] = static_cast<uint8_t>(colour >> 8);
        row[x * 3 + 2] = static_cast<uint8_t>(colour >> 16);
      }
    }
  }

  const SyntheticVideoSpec& spec_;
  int64_t scene_ = -1;
  RgbImage base_;
};

void QuietFfmpegLogs() {
  if (av_log_get_level() > AV_LOG_ERROR) av_log_set_level(AV_LOG_ERROR);
}

Result<OutputPtr> CreateOutput(const std::string& path) {
  AVFormatContext* raw = nullptr;
  const int err = avformat_alloc_output_context2(&raw, nullptr, nullptr, path.c_str());
  if (err < 0 || raw == nullptr) {
    return InvalidArgumentError("write " + path + ": no muxer for this extension: " + AvError(err));
  }
  OutputPtr out(raw);
  av_dict_set(&out->metadata, "creation_time", kCreationTime, 0);
  return out;
}

// Opens the file and writes the header; MP4-family files get their index up
// front (faststart), as phones write them, so a truncated copy still opens.
Status StartOutput(AVFormatContext* out, const std::string& path) {
  if ((out->oformat->flags & AVFMT_NOFILE) == 0) {
    const int err = avio_open(&out->pb, path.c_str(), AVIO_FLAG_WRITE);
    if (err < 0) return IoError("write " + path + ": " + AvError(err));
  }
  AVDictionary* options = nullptr;
  const std::string_view muxer = out->oformat->name;
  if (muxer == "mp4" || muxer == "mov" || muxer == "3gp" || muxer == "ipod") {
    av_dict_set(&options, "movflags", "+faststart", 0);
  }
  const int err = avformat_write_header(out, &options);
  av_dict_free(&options);
  if (err < 0) return InvalidArgumentError("write " + path + ": header: " + AvError(err));
  return Status::Ok();
}

Status FinishOutput(AVFormatContext* out, const std::string& path) {
  const int err = av_write_trailer(out);
  if (err < 0) return IoError("write " + path + ": trailer: " + AvError(err));
  return Status::Ok();
}

// Codec-specific settings: fast presets, a fixed GOP, no console output.
void ConfigureVideo(const SyntheticVideoSpec& spec, const AVCodec* codec, AVCodecContext* c) {
  c->width = spec.width;
  c->height = spec.height;
  c->time_base = AVRational{spec.fps_den, spec.fps_num};
  c->framerate = AVRational{spec.fps_num, spec.fps_den};
  c->gop_size = spec.gop;
  c->pix_fmt = codec->pix_fmts != nullptr ? codec->pix_fmts[0] : AV_PIX_FMT_YUV420P;
  const std::string_view name = codec->name;
  if (name == "libx264") {
    av_opt_set(c->priv_data, "preset", "veryfast", 0);
    av_opt_set(c->priv_data, "x264-params", "scenecut=0", 0);
  } else if (name == "libx265") {
    av_opt_set(c->priv_data, "preset", "ultrafast", 0);
    av_opt_set(c->priv_data, "x265-params", "log-level=none:scenecut=0", 0);
  } else if (name == "libvpx" || name == "libvpx-vp9") {
    av_opt_set(c->priv_data, "deadline", "realtime", 0);
    av_opt_set_int(c->priv_data, "cpu-used", 8, 0);
    c->bit_rate =
        static_cast<int64_t>(0.2 * spec.width * spec.height * spec.fps_num / spec.fps_den);
  } else if (name == "libaom-av1") {
    av_opt_set_int(c->priv_data, "cpu-used", 8, 0);
    c->bit_rate =
        static_cast<int64_t>(0.2 * spec.width * spec.height * spec.fps_num / spec.fps_den);
  } else {  // mpeg4, mjpeg, wmv2, flv and other intra/MPEG-style encoders
    c->flags |= AV_CODEC_FLAG_QSCALE;
    c->global_quality = FF_QP2LAMBDA * 3;
  }
}

const AVCodec* FindVideoEncoder(const std::string& name) {
  const AVCodec* codec = avcodec_find_encoder_by_name(name.c_str());
  if (codec == nullptr && name == "libx264") codec = avcodec_find_encoder_by_name("mpeg4");
  return codec;
}

// Draws, converts and encodes every frame of the video, with the audio
// track (when there is one) kept up to the video's time.
Status EncodeVideoFrames(const SyntheticVideoSpec& spec, StreamEncoder& video, ToneTrack* audio) {
  AVCodecContext* c = video.codec();
  FramePtr rgb(av_frame_alloc());
  FramePtr yuv(av_frame_alloc());
  if (!rgb || !yuv) return ResourceExhaustedError("encode video: out of memory");
  rgb->format = AV_PIX_FMT_RGB24;
  yuv->format = c->pix_fmt;
  rgb->width = yuv->width = spec.width;
  rgb->height = yuv->height = spec.height;
  if (av_frame_get_buffer(rgb.get(), 0) < 0 || av_frame_get_buffer(yuv.get(), 0) < 0) {
    return ResourceExhaustedError("encode video: out of memory");
  }
  SwsPtr sws(sws_getContext(spec.width, spec.height, AV_PIX_FMT_RGB24, spec.width, spec.height,
                            c->pix_fmt, SWS_BICUBIC, nullptr, nullptr, nullptr));
  if (!sws) return InternalError("encode video: no RGB to encoder pixel conversion");
  PictureSource pictures(spec);
  const double frame_seconds = static_cast<double>(spec.fps_den) / spec.fps_num;
  const auto frames = static_cast<int64_t>(std::llround(spec.duration_seconds / frame_seconds));
  for (int64_t i = 0; i < frames; ++i) {
    pictures.Draw(spec.start_seconds + static_cast<double>(i) * frame_seconds, rgb.get());
    if (av_frame_make_writable(yuv.get()) < 0) return ResourceExhaustedError("encode video");
    sws_scale(sws.get(), rgb->data, rgb->linesize, 0, spec.height, yuv->data, yuv->linesize);
    yuv->pts = i;
    TANTALIO_RETURN_IF_ERROR(video.Write(yuv.get()));
    if (audio != nullptr) {
      TANTALIO_RETURN_IF_ERROR(
          audio->EncodeUntil(static_cast<double>(i + 1) * frame_seconds, i + 1 == frames));
    }
  }
  return Status::Ok();
}

}  // namespace

Status WriteSyntheticVideo(const SyntheticVideoSpec& spec, const std::string& path) {
  QuietFfmpegLogs();
  if (spec.width < 2 || spec.height < 2 || spec.fps_num <= 0 || spec.fps_den <= 0 ||
      spec.duration_seconds <= 0 || spec.gop <= 0) {
    return InvalidArgumentError("write synthetic video " + path + ": bad size, rate or duration");
  }
  const AVCodec* codec = FindVideoEncoder(spec.video_codec);
  if (codec == nullptr) return UnsupportedError("no video encoder " + spec.video_codec);
  TANTALIO_ASSIGN_OR_RETURN(OutputPtr out, CreateOutput(path));
  StreamEncoder video;
  TANTALIO_RETURN_IF_ERROR(
      video.Open(out.get(), codec, [&](AVCodecContext* c) { ConfigureVideo(spec, codec, c); })
          .WithContext("write " + path));
  std::unique_ptr<ToneTrack> audio;
  if (spec.audio) {
    const SyntheticAudioSpec defaults;
    audio = std::make_unique<ToneTrack>();
    TANTALIO_RETURN_IF_ERROR(audio->Open(out.get(), spec.audio_codec, spec.seed,
                                         defaults.sample_rate, defaults.channels,
                                         spec.start_seconds));
  }
  TANTALIO_RETURN_IF_ERROR(StartOutput(out.get(), path));
  TANTALIO_RETURN_IF_ERROR(
      EncodeVideoFrames(spec, video, audio.get()).WithContext("write " + path));
  TANTALIO_RETURN_IF_ERROR(video.Write(nullptr).WithContext("write " + path));
  if (audio) TANTALIO_RETURN_IF_ERROR(audio->Finish().WithContext("write " + path));
  return FinishOutput(out.get(), path);
}

Status WriteSyntheticAudio(const SyntheticAudioSpec& spec, const std::string& path) {
  QuietFfmpegLogs();
  if (spec.sample_rate <= 0 || spec.channels <= 0 || spec.channels > 8 ||
      spec.duration_seconds <= 0) {
    return InvalidArgumentError("write synthetic audio " + path + ": bad rate or duration");
  }
  TANTALIO_ASSIGN_OR_RETURN(OutputPtr out, CreateOutput(path));
  ToneTrack track;
  TANTALIO_RETURN_IF_ERROR(track
                               .Open(out.get(), spec.codec, spec.seed, spec.sample_rate,
                                     spec.channels, spec.start_seconds)
                               .WithContext("write " + path));
  TANTALIO_RETURN_IF_ERROR(StartOutput(out.get(), path));
  TANTALIO_RETURN_IF_ERROR(
      track.EncodeUntil(spec.duration_seconds, true).WithContext("write " + path));
  TANTALIO_RETURN_IF_ERROR(track.Finish().WithContext("write " + path));
  return FinishOutput(out.get(), path);
}

}  // namespace tantalio
